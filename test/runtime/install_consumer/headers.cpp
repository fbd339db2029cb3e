// The installed package's header layout: the primitives' own headers, and
// the old <kara/detail/...> paths kept for compatibility, without
// <kara/runtime.hpp>.
#include <kara/detail/par.hpp>
#include <kara/detail/scope.hpp>
#include <kara/map.hpp>
#include <kara/par.hpp>
#include <kara/race.hpp>
#include <kara/scope.hpp>
#include <kara/spawn.hpp>

#include <vector>

int consumer_headers() {
  auto [a, b] = kara::par([] { return 1; }, [] { return 2; });
  int c = kara::scope(
      [](kara::nursery &n) { return n.spawn([] { return 3; }).join(); });
  int d = kara::spawn([] { return 4; }).join();
  int e = kara::race([] { return 5; });
  std::vector<int> v{6};
  return a + b + c + d + e + kara::map([](int x) { return x; }, v)[0];
}
