// Regression (bugs/kara-parallelize/08): kara-par-conflict and
// kara-sendable accept the rewrite of a run that writes through a local
// pointer to a local.
// E2E-EXPECT: unchanged
#include <kara/annotations.hpp>
#include <cstdio>

[[kara::pure]] void store(int *p, int v) noexcept { *p = v; }
[[kara::reads(A)]] int ra() noexcept { return 1; }

int f() {
  int n = 0;
  int *p = &n;
  store(p, 5);
  int z = ra();
  return n + z;
}

int main() { std::printf("%d\n", f()); }
