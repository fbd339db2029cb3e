// Regression (test/fuzz finding 04): a resource one edit away from a
// parameter name (g1 vs b1) stays a resource, so bump's writes(g1) orders
// it before get's reads(g1); the run is left alone.
// E2E-EXPECT: unchanged
#include <kara/annotations.hpp>
#include <cstdio>

static void spin() noexcept { // long enough for the other branch to be stolen
  for (volatile int k = 0; k < 20000; k = k + 1) {
  }
}

int g1 = 1;
[[kara::writes(g1)]] int bump(int a0, int b1) noexcept {
  spin();
  g1 = g1 * 3 + a0 + b1;
  return g1;
}
[[kara::reads(g1)]] int get(int a) noexcept {
  spin();
  return g1 + a;
}

int f(int x) {
  int a = bump(x, 1);
  int b = get(x);
  return a * 100 + b;
}

int main() {
  int r = 0;
  for (int i = 0; i < 3000; ++i) {
    g1 = 1;
    r = f(2);
  }
  std::printf("%d %d\n", r, g1);
}
