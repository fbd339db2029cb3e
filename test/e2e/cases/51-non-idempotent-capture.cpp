// Regression (bugs/kara-parallelize/12): a second --fix changes nothing
// when branches capture a local pointer by reference.
#include <kara/annotations.hpp>
#include <cstdio>

[[kara::pure]] void store(int *p, int v) noexcept { *p = v; }
[[kara::reads(A)]] int ra() noexcept { return 1; }
[[kara::reads(B)]] int rb() noexcept { return 2; }
[[kara::reads(C)]] int rc(int v) noexcept { return v + 3; }
[[kara::reads(D)]] int rd() noexcept { return 4; }

int f() {
  int n = 0;
  int *p = &n;
  store(p, 1);
  int z = ra();
  n += z;
  int a = rb();
  store(&n, a);
  int d = rd();
  int c = rc(*p);
  return a + c + d;
}

int main() { std::printf("%d\n", f()); }
