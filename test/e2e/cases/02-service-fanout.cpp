// A request handler fanning out to four back ends, with a cache write that
// only depends on one of them, and an audit log written after all of them.
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

struct Request { int user; std::string region; };
struct Profile { std::string name; int tier; };
struct Cart { std::vector<int> items; };
struct Prices { int discount; };

std::map<int, std::string> profile_cache;
std::vector<std::string> audit_log;

[[kara::reads(UserDB)]] Profile load_profile(const Request &r) {
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return Profile{"user" + std::to_string(r.user), r.user % 3};
}
[[kara::reads(CartDB)]] Cart load_cart(const Request &r) {
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return Cart{{r.user, r.user * 2, r.user * 3}};
}
[[kara::reads(Pricing)]] Prices load_prices(const std::string &region) {
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return Prices{region == "eu" ? 10 : 5};
}
[[kara::reads(Flags)]] bool beta_enabled(int user) noexcept { return user % 2 == 0; }
[[kara::writes(profile_cache)]] void remember(int user, const Profile &p) {
  profile_cache[user] = p.name;
}
[[kara::writes(audit_log)]] void audit(const std::string &what) {
  audit_log.push_back(what);
}

std::string handle(const Request &req) {
  Profile profile = load_profile(req);
  remember(req.user, profile); // cache what we loaded
  Cart cart = load_cart(req);
  Prices prices = load_prices(req.region);
  bool beta = beta_enabled(req.user);
  audit(profile.name + ":" + std::to_string(cart.items.size()));
  int total = 0;
  for (int i : cart.items)
    total += i;
  total -= prices.discount;
  return profile.name + " tier=" + std::to_string(profile.tier) +
         " total=" + std::to_string(total) + (beta ? " beta" : "");
}
// CHECK: #include <kara/runtime.hpp>
// CHECK: std::string handle(const Request &req) {
// CHECK-NEXT:   auto [profile, cart, beta] = kara::par(
// CHECK-NEXT:       [&]() -> Profile {
// CHECK-NEXT:         Profile profile = load_profile(req);
// CHECK-NEXT:         remember(req.user, profile); // cache what we loaded
// CHECK-NEXT:         return profile;
// CHECK-NEXT:       },
// CHECK-NEXT:       [&]() -> Cart { return load_cart(req); },
// CHECK-NEXT:       [&]() -> bool { return beta_enabled(req.user); });
// CHECK-NEXT:   Prices prices = load_prices(req.region);
// CHECK-NEXT:   audit(profile.name + ":" + std::to_string(cart.items.size()));
// CHECK-NEXT:   int total = 0;
// CHECK-NEXT:   for (int i : cart.items)

int main() {
  std::vector<Request> reqs = {{1, "eu"}, {2, "us"}, {3, "eu"}};
  for (const Request &r : reqs)
    std::printf("%s\n", handle(r).c_str());
  for (const auto &[user, name] : profile_cache)
    std::printf("cache %d=%s\n", user, name.c_str());
  for (const std::string &a : audit_log)
    std::printf("audit %s\n", a.c_str());
}
