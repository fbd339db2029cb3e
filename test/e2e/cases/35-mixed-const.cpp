// Negative: a const and a non-const declaration cannot share one structured
// binding, so constness would change; the run is left alone.
// E2E-EXPECT: unchanged
#include <cstdio>

[[kara::reads(A)]] int fa() noexcept { return 3; }
[[kara::reads(B)]] int fb() noexcept { return 4; }

int main() {
  const int a = fa();
  int b = fb();
  b += a;
  std::printf("%d %d\n", a, b);
}
