// Positive (issue 13 §1): reductions as users write them: a long total over
// records, an int count (`if (p) ++count;`: each iteration contributes 1
// or 0), a max over an index.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

struct Order {
  std::string item;
  int qty;
};

[[kara::pure]] long cost(const Order &o) noexcept {
  return static_cast<long>(o.qty) * static_cast<long>(o.item.size());
}
[[kara::pure]] bool big(const Order &o) noexcept { return o.qty > 5; }
[[kara::pure]] int score(int v) noexcept { return (v * 13) % 17; }

int main() {
  std::vector<Order> orders;
  for (int i = 0; i < 50; ++i)
    orders.push_back(Order{"item" + std::to_string(i), i % 9});
  long total = 0;
  for (const Order &o : orders)
    total += cost(o);
  int count = 0;
  for (const auto &o : orders)
    if (big(o))
      ++count;
  int best = 0;
  for (int v = 0; v < 100; ++v)
    best = std::max(best, score(v));
  std::printf("%ld %d %d\n", total, count, best);
}
// CHECK: total = kara::reduce(
// CHECK: count = kara::reduce(
// CHECK-NEXT:     orders, count,
// CHECK-NEXT:     [](int l, int r) -> int { return l + r; },
// CHECK-NEXT:     [&](Order const &o) -> int { return (big(o)) ? (1) : 0; });
// CHECK: best = kara::reduce_index<int>(
