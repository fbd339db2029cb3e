// Regression (bugs/kara-parallelize/03): a declaration with several
// declarators keeps every initializer (bump() runs once).
#include <kara/annotations.hpp>
#include <cstdio>

int G = 0;
[[kara::writes(G)]] int bump() noexcept { return ++G; }
[[kara::reads(A)]] int ra() noexcept { return 10; }
[[kara::reads(B)]] int rb() noexcept { return 20; }

int f() {
  int a = bump(), b = ra();
  int c = rb();
  return b + c;
}

int main() {
  int r = f();
  std::printf("%d G=%d\n", r, G);
}
