// Positive (SPEC §4): one chain declares two variables used after the run;
// its branch returns both in a tuple and each is declared as written.
// CHECK: int main() {
// CHECK-NEXT:   auto kara_par = kara::par(
// CHECK-NEXT:       [&] {
// CHECK-NEXT:         int a = fa();
// CHECK-NEXT:         int a2 = inc(a);
// CHECK-NEXT:         return std::tuple<int, int>(std::move(a), std::move(a2));
// CHECK-NEXT:       },
// CHECK-NEXT:       [&]() -> int { return fb(); });
// CHECK-NEXT:   int a = std::get<0>(std::get<0>(std::move(kara_par)));
// CHECK-NEXT:   int a2 = std::get<1>(std::get<0>(std::move(kara_par)));
// CHECK-NEXT:   int b = std::get<1>(std::move(kara_par));
// CHECK-NEXT:   std::printf("%d %d %d\n", a, a2, b);
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
