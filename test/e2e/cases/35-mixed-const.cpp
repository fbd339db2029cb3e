// Positive (SPEC §4): a const and a non-const declaration cannot share one
// structured binding, so each is declared as written from the result tuple.
// CHECK: int main() {
// CHECK-NEXT:   auto kara_par = kara::par(
// CHECK-NEXT:       [&]() -> int { return fa(); },
// CHECK-NEXT:       [&]() -> int { return fb(); });
// CHECK-NEXT:   const int a = std::get<0>(std::move(kara_par));
// CHECK-NEXT:   int b = std::get<1>(std::move(kara_par));
// CHECK-NEXT:   b += a;
#include <cstdio>

[[kara::reads(A)]] int fa() noexcept { return 3; }
[[kara::reads(B)]] int fb() noexcept { return 4; }

int main() {
  const int a = fa();
  int b = fb();
  b += a;
  std::printf("%d %d\n", a, b);
}
