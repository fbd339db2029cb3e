// Negative (issue 13 §1): loops whose iterations are not independent stay
// as written, each with its reason (ExplainMissed).
// E2E-EXPECT: unchanged
// E2E-TIDY-ARGS: '--config={CheckOptions: {kara-parallelize.ExplainMissed: true}}'
// E2E-DIAG: 'break' leaves the loop
// E2E-DIAG: 'out' is used otherwise than at the loop's own index
// E2E-DIAG: the body writes\(counter\), which every iteration shares
// E2E-DIAG: the body does input/output \(writes\(kara::io\)\)
// E2E-DIAG: 'sum' is a floating-point accumulator
// E2E-DIAG: the body writes 'last', declared outside the loop, and reads it
#include <cstdio>
#include <vector>

int counter = 0;

[[kara::pure]] int weight(int i) noexcept { return (i * 37) % 11; }
[[kara::pure]] double fraction(int i) noexcept { return 1.0 / (i + 1); }

int main() {
  const int n = 64;
  std::vector<int> out(n, 0);
  for (int i = 0; i < n; ++i) { // stops at the first heavy item
    if (weight(i) > 9)
      break;
    out[i] = weight(i);
  }
  for (int i = 1; i < n; ++i) // a prefix sum: out[i] needs out[i - 1]
    out[i] = out[i - 1] + weight(i);
  for (int i = 0; i < n; ++i) // a shared global
    counter = counter + weight(i);
  for (int i = 0; i < 4; ++i) // output in order
    std::printf("%d\n", weight(i));
  double sum = 0;
  for (int i = 0; i < n; ++i) // floating point without FloatReductions
    sum += fraction(i);
  int last = 0;
  for (int i = 0; i < n; ++i) // carried through a local
    last = weight(i + last);
  std::printf("%d %d %.12f %d\n", out[n - 1], counter, sum, last);
}
