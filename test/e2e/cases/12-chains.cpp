// Positive: two chains; each branch keeps its statements in order, and a
// local assigned in a chain stays in that chain.
#include <cstdio>

[[kara::reads(Left)]] int left_source(int k) noexcept { return k + 1; }
[[kara::reads(Right)]] int right_source(int k) noexcept { return k * 3; }
[[kara::pure]] int refine(int v) noexcept { return v * v; }

int compute(int k) {
  int tally = 0;
  int l = left_source(k);
  int r = right_source(k);
  tally = refine(l); // overwrites tally
  int r2 = refine(r);
  return tally + r2;
}
// CHECK: int compute(int k) {
// CHECK-NEXT:   int tally = 0;
// CHECK-NEXT:   auto [r2] = kara::par(
// CHECK-NEXT: [&, k] {
// CHECK-NEXT:         int l = left_source(k);
// CHECK-NEXT:         tally = refine(l); // overwrites tally
// CHECK-NEXT:       },
// CHECK-NEXT: [&, k]() -> int {
// CHECK-NEXT:         int r = right_source(k);
// CHECK-NEXT:         return refine(r);
// CHECK-NEXT:       });
// CHECK-NEXT:   return tally + r2;

int main() {
  for (int k = 0; k < 4; ++k)
    std::printf("%d\n", compute(k));
}
