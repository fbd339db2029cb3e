// Positive: writes(db::users) and writes(db::orders) are disjoint resources
// (the globals the bodies touch: the annotations are truthful).
#include <cstdio>
#include <string>
#include <vector>

namespace db {
std::vector<std::string> users;
std::vector<int> orders;
}

[[kara::writes(db::users)]] void add_user(const char *name) noexcept {
  db::users.push_back(name);
}
[[kara::writes(db::orders)]] void add_order(int id) noexcept {
  db::orders.push_back(id);
}
[[kara::reads(db)]] std::size_t rows() noexcept {
  return db::users.size() + db::orders.size();
}

void seed() {
  add_user("alice");
  add_order(1);
  add_user("bob");
  add_order(2);
  std::size_t n = rows();
  std::printf("rows=%zu\n", n);
}
// CHECK: void seed() {
// CHECK-NEXT:   kara::par(
// CHECK-NEXT:       [&] {
// CHECK-NEXT:         add_user("alice");
// CHECK-NEXT:         add_user("bob");
// CHECK-NEXT:       },
// CHECK-NEXT:       [&] {
// CHECK-NEXT:         add_order(1);
// CHECK-NEXT:         add_order(2);
// CHECK-NEXT:       });
// CHECK-NEXT:   std::size_t n = rows();

int main() {
  seed();
  for (const auto &u : db::users)
    std::printf("user %s\n", u.c_str());
  for (int o : db::orders)
    std::printf("order %d\n", o);
}
