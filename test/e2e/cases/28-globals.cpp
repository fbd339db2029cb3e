// Globals accessed directly are resources named by their qualified name:
// an unannotated helper writing `hits` conflicts with an annotated reader of
// `hits` (kept in order), while the reader of `misses` runs beside it.
#include <cstdio>

namespace stats {
int hits = 0;
int misses = 4;
}

[[kara::reads(stats::hits)]] int read_hits() noexcept { return stats::hits; }
[[kara::reads(stats::misses)]] int read_misses() noexcept { return stats::misses; }
[[kara::writes(stats::hits)]] void hit() noexcept { stats::hits += 1; }

void tick() {
  hit();
  int h = read_hits();
  int m = read_misses();
  std::printf("hits=%d misses=%d\n", h, m);
}
// CHECK: void tick() {
// CHECK-NEXT:   auto [h, m] = kara::par(
// CHECK-NEXT:       [&]() -> int {
// CHECK-NEXT:         hit();
// CHECK-NEXT:         return read_hits();
// CHECK-NEXT:       },
// CHECK-NEXT:       [&]() -> int { return read_misses(); });

int main() {
  tick();
  tick();
}
