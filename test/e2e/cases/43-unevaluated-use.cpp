// Regression (bugs/kara-parallelize/04): a use in an unevaluated operand
// (sizeof(v)) is a use: the later statement stays after the declaration.
// E2E-EXPECT: unchanged
#include <kara/annotations.hpp>
#include <cstdio>
#include <vector>

[[kara::reads(A)]] std::vector<int> va() { return {1, 2, 3}; }
[[kara::pure]] int half(unsigned long v) noexcept { return (int)v / 2; }

int f() {
  std::vector<int> v = va();
  int h = half(sizeof(v));
  return (int)v.size() + h;
}

int main() { std::printf("%d\n", f()); }
