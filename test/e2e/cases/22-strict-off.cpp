// Positive: with StrictExceptionOrder off, the throwing fetch and the journal
// write run in parallel (the journal is then written even when fetch throws).
// E2E-TIDY-ARGS: '--config={CheckOptions: {kara-parallelize.StrictExceptionOrder: false}}'
#include <cstdio>
#include <stdexcept>

int journal = 0;

[[kara::reads(Remote)]] int fetch(int k) {
  if (k < 0)
    throw std::invalid_argument("negative key");
  return k * 7;
}
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
  std::printf("%d\n", handle(3));
  std::printf("%d\n", handle(5));
  std::printf("journal=%d\n", journal);
}
