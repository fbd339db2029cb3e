#include <shop/shop.h>

#include <cstdio>

// loyalty_points is defined in orders.cpp without annotations: its effect,
// reads(Orders), comes from build/kara-summaries.json (kara-summarize).
[[kara::reads(Catalog, Orders)]] int summary(int customer) {
  int items = shop::item_count();
  int points = shop::loyalty_points(customer);
  return items + points;
}

[[kara::reads(Catalog)]] [[kara::writes(Orders, AuditLog)]] void
checkout(int customer) {
  shop::place_order(customer, 2);
  legacy_audit(customer);
}

int main() {
  checkout(1);
  std::printf("%d %d\n", summary(1), shop::price_of_two(1, 3));
  return 0;
}
