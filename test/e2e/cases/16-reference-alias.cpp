// Negative: `r` aliases `x`; writing through it conflicts with reading `x`.
// E2E-EXPECT: unchanged
#include <cstdio>

[[kara::pure]] void incr(int &v) noexcept { v += 1; }
[[kara::pure]] int negate(int v) noexcept { return -v; }

int main() {
  int x = 41;
  int &r = x;
  incr(r);
  int n = negate(x);
  std::printf("%d %d\n", x, n);
}
