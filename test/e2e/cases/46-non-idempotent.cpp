// Regression (bugs/kara-parallelize/07): a second --fix changes nothing
// (the branches of a kara::par the first --fix wrote are not planned again).
#include <kara/annotations.hpp>
#include <cstdio>
#include <stdexcept>

int G = 0;
[[kara::reads(A)]] int ra() noexcept { return 1; }
[[kara::writes(G)]] void wg(int v) noexcept { G = v; }
[[kara::reads(B)]] int rb(int v) { if (v < 0) throw std::runtime_error("neg"); return v; }

int f(int x) {
  int a = ra();
  wg(x);
  rb(x);
  return a;
}

int main() {
  int r = f(3);
  std::printf("%d %d\n", r, G);
}
