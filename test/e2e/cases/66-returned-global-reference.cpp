// A member function annotated reads(this) returns a reference to a global,
// not into its object. The returned reference's referent comes from the
// visible body, so reading through it conflicts with the write of that
// global: not parallelized (it would be a data race).
// E2E-EXPECT: unchanged
#include <kara/annotations.hpp>
#include <cstdio>

struct S {
  int v;
  [[kara::writes(this)]] int add(int d) noexcept {
    v += d;
    return v;
  }
  [[kara::reads(this)]] const int &cur() const noexcept;
};
S gs{3};
const int &S::cur() const noexcept { return gs.v; }
[[kara::pure]] int f9(int a, int b) noexcept { return a + b; }

int t0(int x) {
  S o0{x};
  const int &r = o0.cur();
  int a = f9(9, r);
  int b = gs.add(x);
  return a + b;
}

int main() { std::printf("%d\n", t0(1)); }
