// Negative: one chain declares two variables used after the run; a branch
// returns one value, so the run is left alone.
// E2E-EXPECT: unchanged
#include <cstdio>

[[kara::reads(A)]] int fa() noexcept { return 3; }
[[kara::pure]] int inc(int v) noexcept { return v + 1; }
[[kara::reads(B)]] int fb() noexcept { return 4; }

int main() {
  int a = fa();
  int a2 = inc(a);
  int b = fb();
  std::printf("%d %d %d\n", a, a2, b);
}
