// The dashboard of SPEC §1: three back-end fetches with simulated latency.
// `kara-tidy --fix` turns the three declarations in build_dashboard into one
// kara::par block (see scripts/demo.sh).
#include <kara/annotations.hpp>
#include <kara/runtime.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

struct UserId {
  int value;
};
struct Profile {
  std::string name;
};
struct Orders {
  int count;
};
struct Stats {
  double score;
};

// A back-end client waits on the network. Blocking waits are marked with
// kara::blocking so that they do not hold one of the pool's compute threads
// (SPEC §5); outside a kara task it simply runs the callable.
static void simulate_latency() {
  kara::blocking(
      [] { std::this_thread::sleep_for(std::chrono::milliseconds(60)); });
}

[[kara::reads(UserDB)]] Profile fetch_profile(UserId id) {
  simulate_latency();
  return Profile{"user-" + std::to_string(id.value)};
}

KARA_READS(OrderDB) Orders fetch_orders(UserId id) {
  simulate_latency();
  return Orders{id.value * 3};
}

[[kara::reads(Analytics)]] Stats fetch_analytics(UserId id) {
  simulate_latency();
  return Stats{id.value * 1.5};
}

std::string build_dashboard(UserId id) {
  Profile profile = fetch_profile(id);
  Orders orders = fetch_orders(id);
  Stats stats = fetch_analytics(id);
  return profile.name + ": " + std::to_string(orders.count) + " orders, score " +
         std::to_string(stats.score);
}

int main() {
  for (int user = 1; user <= 5; ++user)
    std::printf("%s\n", build_dashboard(UserId{user}).c_str());
}
