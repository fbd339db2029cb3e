// Regression (bugs/kara-parallelize/06): a write through a reference member
// writes its referent (unknown), not this: v1.add and v2.add stay in order.
// E2E-EXPECT: unchanged
#include <kara/annotations.hpp>
#include <cstdio>

struct View {
  int &ref;
  [[kara::writes(this)]] int add(int d) noexcept {
    volatile int spin = 0;  // long enough for the other branch to be stolen
    for (int k = 0; k < 20000; ++k)
      spin = k;
    ref += d;
    return ref;
  }
};

int f() {
  int acc = 0;
  View v1{acc}, v2{acc};
  int a = v1.add(1);
  int b = v2.add(2);
  return acc;
}

int main() {
  long s = 0;
  for (int i = 0; i < 2100; ++i)
    s += f();
  std::printf("%ld\n", s);
}
