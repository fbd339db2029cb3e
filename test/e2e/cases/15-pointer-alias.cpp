// Negative: a pointer to a local is taken and written through; the call that
// reads the local must stay after it.
// E2E-EXPECT: unchanged
#include <cstdio>

[[kara::pure]] void store(int *dst, int v) noexcept { *dst = v; }
[[kara::pure]] int square(int v) noexcept { return v * v; }

int main() {
  int slot = 3;
  int *p = &slot;
  store(p, 7);
  int sq = square(slot);
  std::printf("%d %d\n", slot, sq);
}
