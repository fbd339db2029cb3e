#include <shop/shop.h>

// The resource the annotations call Orders.
static int Orders[8];

namespace shop {

int order_total(int customer) { return Orders[customer % 8]; }

void place_order(int customer, int item) {
  Orders[customer % 8] += find_item(item).price;
}

int loyalty_points(int customer) { return Orders[customer % 8] / 10; }

} // namespace shop

extern "C" void legacy_audit(int) {}
