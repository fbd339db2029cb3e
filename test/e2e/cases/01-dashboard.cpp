// A service handler fanning out to three back ends (SPEC §1).
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

struct UserId { int value; };
struct Profile { std::string name; };
struct Orders { int count; };
struct Stats { double score; };

[[kara::reads(UserDB)]] Profile fetch_profile(UserId id) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return Profile{"user-" + std::to_string(id.value)};
}
[[kara::reads(OrderDB)]] Orders fetch_orders(UserId id) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return Orders{id.value * 3};
}
[[kara::reads(Analytics)]] Stats fetch_analytics(UserId id) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return Stats{id.value / 2.0};
}

std::string build_dashboard(UserId id) {
  Profile profile = fetch_profile(id); // the profile
  Orders orders = fetch_orders(id);
  Stats stats = fetch_analytics(id);
  return profile.name + " orders=" + std::to_string(orders.count) +
         " score=" + std::to_string(stats.score);
}
// CHECK: #include <kara/runtime.hpp>
// CHECK: std::string build_dashboard(UserId id) {
// CHECK-NEXT:   auto [profile, orders] = kara::par(
// CHECK-NEXT:       [&]() -> Profile {
// CHECK-NEXT:         return fetch_profile(id); // the profile
// CHECK-NEXT:       },
// CHECK-NEXT:       [&]() -> Orders { return fetch_orders(id); });
// CHECK-NEXT:   Stats stats = fetch_analytics(id);
// CHECK-NEXT:   return profile.name + " orders=" + std::to_string(orders.count) +
// CHECK-NEXT:          " score=" + std::to_string(stats.score);

int main() {
  for (int i = 1; i <= 3; ++i)
    std::printf("%s\n", build_dashboard(UserId{i}).c_str());
}
