// Regression (fuzz-findings/01): a local reference captured by a branch
// keeps its referent for kara-par-conflict (branches are seen from the
// enclosing function), so the rewrite is accepted.
#include <kara/annotations.hpp>
#include <cstdio>

[[kara::pure]] int twice(int a) noexcept { return a * 2; }
struct S {
  int v;
  [[kara::writes(this)]] int add(int d) noexcept {
    v = v * 2 + d;
    return v;
  }
};
S gs{5};

int f(int x) {
  int n = x;
  int &r = n;
  int a = twice(r);
  int b = gs.add(3);
  return a + b;
}

int g(int x) {
  S o{1};
  S &ro = o;
  ro.add(x);
  int b = gs.add(3);
  return o.v + b;
}

int main() {
  int a = f(3);
  int b = g(4);
  std::printf("%d %d\n", a, b);
}
