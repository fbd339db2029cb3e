// Positive (issue 13 §1): a floating-point reduction is rewritten only with
// kara-parallelize.FloatReductions. The sums are of small integers in
// double, which are exact, so the output is the same in any order.
// E2E-TIDY-ARGS: '--config={CheckOptions: {kara-parallelize.FloatReductions: true}}'
#include <cstdio>

[[kara::pure]] double units(int i) noexcept { return static_cast<double>(i % 5); }

int main() {
  double sum = 0;
  for (int i = 0; i < 10000; ++i)
    sum += units(i);
  std::printf("%.1f\n", sum);
}
// CHECK: sum = kara::reduce_index<int>(
// CHECK-NEXT: 0, 10000, sum,
// CHECK-NEXT: [](double l, double r) -> double { return l + r; },
// CHECK-NEXT: [&](int i) -> double { return units(i); });
