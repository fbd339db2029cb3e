// Regression (fuzz seed 20105): `auto [a, b, c] = kara::par(...)` makes one
// hidden tuple of a, b and c; a later round writes a in one branch and reads
// b in another. The bindings are distinct objects (as the variables they
// were), so kara-sendable accepts the rewrite.
#include <kara/annotations.hpp>
#include <cstdio>

int g = 1;
[[kara::pure]] int f4(int a) noexcept { return (a * 7 + 3) % 101; }
[[kara::reads(g)]] int f3(int a, int b) noexcept { return (a + b + g) % 101; }

int t(int x) {
  int a = f4(x);
  int b = f4(x + 1);
  int c = f4(x + 2);
  a = f4(c);
  int d = f3(b, c);
  return a + b + c + d;
}

int main() {
  int s = 0;
  for (int x = 0; x < 6; ++x)
    s += t(x);
  std::printf("%d\n", s);
}
