// Negative: writes(DB) covers DB::Users, so a later reads(DB::Users) waits.
// E2E-EXPECT: unchanged
#include <cstdio>
#include <map>
#include <string>

std::map<std::string, int> users, orders;

[[kara::writes(DB)]] void migrate() noexcept {
  users["alice"] = 1;
  orders["o1"] = 7;
}
[[kara::reads(DB::Users)]] int count_users() noexcept {
  return static_cast<int>(users.size());
}

int main() {
  migrate();
  int n = count_users();
  std::printf("users=%d\n", n);
}
