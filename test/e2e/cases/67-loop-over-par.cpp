// Regression (fuzz seed 20242, non-idempotent): a loop whose body is a
// kara::par (as the first --fix leaves it) writes, in a branch, an
// accumulator every iteration shares. The branches' effects are the par
// call's, so the loop is kept (it was rewritten by a second --fix: a data
// race on `acc`).
// E2E-EXPECT: unchanged
#include <kara/annotations.hpp>
#include <kara/runtime.hpp>
#include <cstdio>

[[kara::pure]] int f9(int a) noexcept { return (a * 7 + 1) % 101; }
[[kara::pure]] int f7(int a) noexcept { return (a * 3 + 2) % 101; }

long t(int x) {
  long acc = 0;
  for (int it = 0; it < 64; ++it) {
    kara::par([&] { acc += f9(it + x); }, [&, x] { f7(x); });
    f7(it);
  }
  return acc;
}

int main() { std::printf("%ld\n", t(3)); }
