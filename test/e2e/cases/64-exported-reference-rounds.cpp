// Regression (fuzz seed 20001): a reference the first kara::par exports
// (`auto [r, s] = kara::par(...)` of `const int &` results) is read by a
// statement of the next round. Its referent stays known after the rewrite
// (the analysis follows the binding into the branch that returned it), so
// kara-par-conflict accepts the second par and a second --fix plans alike.
#include <kara/annotations.hpp>
#include <cstdio>

struct S {
  int v;
  [[kara::reads(this)]] const int &cur() const noexcept { return v; }
  [[kara::writes(this)]] int add(int d) noexcept {
    v = (v * 2 + d) % 997;
    return v;
  }
};
S gs{3};
[[kara::pure]] int f9(int a, int b) noexcept { return a * 3 + b; }

long t0(int x) {
  long acc = 0;
  S o0{x};
  const int &r = o0.cur();
  const int &s = o0.cur();
  acc += s;
  int d7 = f9(9, r);
  int d9 = gs.add(x);
  return acc + d7 + d9;
}

long t1(int x) {
  long acc = 0;
  S o0{x}, o1{x + 1};
  // A chain exporting two references and a value: std::get of the tuple.
  const int &r = o0.cur();
  const int &s = o1.cur();
  const int k = f9(r, s);
  int d = gs.add(x);
  acc += r + s + k;
  int e = f9(9, r);
  int g = gs.add(e);
  return acc + d + e + g;
}

int main() {
  long a = 0;
  for (int x = 0; x < 5; ++x)
    a += t0(x) + t1(x);
  std::printf("%ld %d\n", a, gs.v);
}
