// Added by test/sample-project/run.sh to show that the CI recipe fails on
// contract violations: `audit` declares only reads but writes AuditLog
// (legacy_audit, from effects/legacy.json) and Orders (place_order, from
// the summaries).
#include <shop/shop.h>

[[kara::reads(Orders)]] int audit(int customer) {
  legacy_audit(customer);
  shop::place_order(customer, 1);
  return shop::order_total(customer);
}
