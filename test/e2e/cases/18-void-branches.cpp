// Positive: void calls become void branches mixed with value branches.
#include <cstdio>
#include <vector>

std::vector<int> evens, odds;

[[kara::writes(evens)]] void collect_evens(int n) noexcept {
  for (int i = 0; i < n; i += 2)
    evens.push_back(i);
}
[[kara::writes(odds)]] void collect_odds(int n) noexcept {
  for (int i = 1; i < n; i += 2)
    odds.push_back(i);
}
[[kara::pure]] int triangle(int n) noexcept { return n * (n + 1) / 2; }

int main() {
  collect_evens(10);
  collect_odds(10);
  int t = triangle(10);
  std::printf("evens=%zu odds=%zu t=%d\n", evens.size(), odds.size(), t);
}
// CHECK: int main() {
// CHECK-NEXT:   auto [t] = kara::par(
// CHECK-NEXT:       [&] { collect_evens(10); },
// CHECK-NEXT:       [&] { collect_odds(10); },
// CHECK-NEXT:       [&]() -> int { return triangle(10); });
