// Parameter effects: a non-const reference parameter writes the argument's
// object. Filling two distinct vectors runs in parallel; summing one waits
// for its fill (same chain).
#include <cstdio>
#include <vector>

[[kara::pure]] void fill(std::vector<int> &out, int n, int step) noexcept {
  for (int i = 0; i < n; ++i)
    out.push_back(i * step);
}
[[kara::pure]] long total(const std::vector<int> &v) noexcept {
  long s = 0;
  for (int x : v)
    s += x;
  return s;
}

int main() {
  std::vector<int> a, b;
  fill(a, 100, 2);
  fill(b, 50, 3);
  long ta = total(a);
  long tb = total(b);
  std::printf("%ld %ld %zu %zu\n", ta, tb, a.size(), b.size());
}
// CHECK: std::vector<int> a, b;
// CHECK-NEXT:   auto [ta, tb] = kara::par(
// CHECK-NEXT:       [&]() -> long {
// CHECK-NEXT:         fill(a, 100, 2);
// CHECK-NEXT:         return total(a);
// CHECK-NEXT:       },
// CHECK-NEXT:       [&]() -> long {
// CHECK-NEXT:         fill(b, 50, 3);
// CHECK-NEXT:         return total(b);
// CHECK-NEXT:       });
