// Regression (bugs/kara-parallelize/13): a run inside a lambda that is a
// statement of another run: one --fix produces the final text.
#include <kara/annotations.hpp>
#include <cstdio>

[[kara::reads(A)]] int ga(int d) noexcept { return d + 1; }
[[kara::reads(B)]] int gb(int d) noexcept { return d + 2; }
[[kara::reads(C)]] int gc(int d) noexcept { return d + 3; }
[[kara::pure]] int mix(int a, int b) noexcept { return a * 3 + b; }

int f(int x) {
  int w = mix([&]() noexcept {
    int u = ga(x);
    int v = gb(x);
    return u + v;
  }(), 3);
  int z = gc(x);
  return w + z;
}

int main() { std::printf("%d\n", f(2)); }
