// Regression (test/fuzz finding 02): a reference or pointer parameter may
// refer to a global (the caller passes it), so writing through it and
// writing that global stay in order; the run is left alone.
// E2E-EXPECT: unchanged
#include <kara/annotations.hpp>
#include <cstdio>

static void spin() noexcept { // long enough for the other branch to be stolen
  for (volatile int k = 0; k < 20000; k = k + 1) {
  }
}

int g = 1;
[[kara::writes(g)]] int wg(int a) noexcept {
  spin();
  g = g * 3 + a;
  return g;
}
[[kara::pure]] void put(int &o, int v) noexcept {
  spin();
  o = o * 5 + v;
}

int f(int x, int &io) {
  int a = wg(x);
  put(io, 3);
  return a;
}

int main() {
  int r = 0;
  for (int i = 0; i < 3000; ++i) {
    g = 1;
    r = f(2, g);
  }
  std::printf("%d %d\n", r, g);
}
