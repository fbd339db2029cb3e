// Positive (issue 13 §1): integer reductions (+ over an index, max over a
// range) become kara::reduce_index and kara::reduce; integer + and max are
// exactly associative, so the result equals the sequential fold.
#include <algorithm>
#include <cstdio>
#include <vector>

[[kara::pure]] long cost(int i) noexcept { return (i * 7919L) % 1009; }
[[kara::pure]] int score(int v) noexcept { return (v * 31) % 97; }

int main() {
  const int n = 5000;
  long total = 0;
  for (int i = 0; i < n; ++i)
    total += cost(i);
  std::vector<int> values(300);
  for (int i = 0; i < 300; ++i)
    values[i] = i * 13;
  int best = 0;
  for (int v : values)
    best = std::max(best, score(v));
  std::printf("%ld %d\n", total, best);
}
// CHECK: total = kara::reduce_index<int>(
// CHECK-NEXT: 0, n, total,
// CHECK-NEXT: [](long l, long r) -> long { return l + r; },
// CHECK-NEXT: [&](int i) -> long { return cost(i); });
// CHECK: best = kara::reduce(
// CHECK-NEXT: values, best,
// CHECK-NEXT: [](int l, int r) -> int { return std::max(l, r); },
// CHECK-NEXT: [&](int v) -> int { return score(v); });
