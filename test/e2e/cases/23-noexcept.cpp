// Positive: a noexcept callee is known not to throw, so a later write may run
// beside it even with StrictExceptionOrder on.
#include <cstdio>

int journal = 0;

[[kara::reads(Remote)]] int fetch(int k) noexcept { return k * 7; }
[[kara::writes(journal)]] void record(int k) noexcept { journal += k; }

int handle(int k) {
  int v = fetch(k);
  record(k);
  return v;
}
// CHECK: int handle(int k) {
// CHECK-NEXT:   auto [v] = kara::par(
// CHECK-NEXT: [&, k]() -> int { return fetch(k); },
// CHECK-NEXT: [&, k] { record(k); });
// CHECK-NEXT:   return v;

int main() {
  std::printf("%d %d\n", handle(3), handle(4));
  std::printf("journal=%d\n", journal);
}
