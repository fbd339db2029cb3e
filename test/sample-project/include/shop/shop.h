#ifndef SHOP_SHOP_H
#define SHOP_SHOP_H

#include <kara/annotations.hpp>

namespace shop {

struct Item {
  int id;
  int price;
};

[[kara::reads(Catalog)]] Item find_item(int id);
[[kara::reads(Catalog)]] int item_count();
[[kara::reads(Orders)]] int order_total(int customer);
[[kara::reads(Catalog)]] [[kara::writes(Orders)]] void place_order(int customer,
                                                         int item);
/// Not annotated: its effects are inferred from its body in orders.cpp,
/// which other translation units learn from kara-summarize.
int loyalty_points(int customer);

/// Two independent lookups: kara-parallelize suggests kara::par here (a
/// header matched by HeaderFilterRegex).
inline int price_of_two(int a, int b) {
  Item first = find_item(a);
  Item second = find_item(b);
  return first.price + second.price;
}

} // namespace shop

extern "C" void legacy_audit(int customer);

#endif
