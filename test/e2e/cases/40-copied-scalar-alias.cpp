// Regression (bugs/kara-parallelize/01): a scalar whose address is taken
// anywhere in the function is never copied into a branch: store(p, 5) writes
// n through p before twice(n) reads it.
// E2E-EXPECT: unchanged
#include <kara/annotations.hpp>
#include <cstdio>

[[kara::pure]] void store(int *p, int v) noexcept { *p = v; }
[[kara::pure]] int twice(int v) noexcept { return 2 * v; }
[[kara::reads(A)]] int ra() noexcept { return 1; }

int f(int n) {
  int *p = &n;
  store(p, 5);
  int y = twice(n);
  int z = ra();
  return y + z;
}

int main() { std::printf("%d\n", f(1)); }
