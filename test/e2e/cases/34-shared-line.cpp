// Negative: statements sharing a line with other code are not moved.
// E2E-EXPECT: unchanged
#include <cstdio>

[[kara::reads(A)]] int fa() noexcept { return 3; }
[[kara::reads(B)]] int fb() noexcept { return 4; }

int main() {
  int a = fa(); int b = fb();
  std::printf("%d %d\n", a, b);
}
