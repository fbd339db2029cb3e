// Positive: a statement that depends on two branches follows the par, and
// independent statements after it still join the branches.
#include <cstdio>
#include <string>

[[kara::reads(Inventory)]] int stock(const std::string &sku) noexcept {
  return static_cast<int>(sku.size()) * 4;
}
[[kara::reads(Catalog)]] int price(const std::string &sku) noexcept {
  return static_cast<int>(sku[0]) % 50;
}
[[kara::pure]] long value(int s, int p) noexcept { return 1L * s * p; }
[[kara::reads(Reviews)]] double rating(const std::string &sku) noexcept {
  return sku.size() / 2.0;
}

void report(const std::string &sku) {
  int s = stock(sku);
  int p = price(sku);
  long v = value(s, p);
  double r = rating(sku);
  std::printf("%s stock=%d price=%d value=%ld rating=%.1f\n", sku.c_str(), s, p,
              v, r);
}
// CHECK: void report(const std::string &sku) {
// CHECK-NEXT:   auto [s, p, r] = kara::par(
// CHECK-NEXT:       [&]() -> int { return stock(sku); },
// CHECK-NEXT:       [&]() -> int { return price(sku); },
// CHECK-NEXT:       [&]() -> double { return rating(sku); });
// CHECK-NEXT:   long v = value(s, p);
// CHECK-NEXT:   std::printf

int main() {
  report("widget");
  report("gear");
}
