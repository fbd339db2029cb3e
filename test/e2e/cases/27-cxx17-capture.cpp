// Negative: in C++17 a lambda may not capture a structured binding, so a run
// whose variable is captured later is left alone.
// E2E-FLAGS: -std=c++17
// E2E-EXPECT: unchanged
#include <cstdio>

[[kara::reads(A)]] int fa() noexcept { return 5; }
[[kara::reads(B)]] int fb() noexcept { return 6; }

int main() {
  int a = fa();
  int b = fb();
  auto sum = [a, &b] { return a + b; };
  std::printf("%d\n", sum());
}
