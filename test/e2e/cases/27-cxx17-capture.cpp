// Positive (SPEC §4): in C++17 a lambda may not capture a structured binding,
// so the variables are declared from the par's result tuple instead.
// E2E-FLAGS: -std=c++17
// CHECK: int main() {
// CHECK-NEXT:   auto kara_par = kara::par(
// CHECK-NEXT:       [&]() -> int { return fa(); },
// CHECK-NEXT:       [&]() -> int { return fb(); });
// CHECK-NEXT:   int a = std::get<0>(std::move(kara_par));
// CHECK-NEXT:   int b = std::get<1>(std::move(kara_par));
// CHECK-NEXT:   auto sum = [a, &b] { return a + b; };
#include <cstdio>

[[kara::reads(A)]] int fa() noexcept { return 5; }
[[kara::reads(B)]] int fb() noexcept { return 6; }

int main() {
  int a = fa();
  int b = fb();
  auto sum = [a, &b] { return a + b; };
  std::printf("%d\n", sum());
}
