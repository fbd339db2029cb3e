// A reference declaration bound to an lvalue stays a reference: the branch
// returns the reference and the binding refers to the same object.
#include <cstdio>
#include <string>

std::string config = "cfg";
int version = 3;

[[kara::reads(config)]] const std::string &config_ref() noexcept { return config; }
[[kara::reads(version)]] int get_version() noexcept { return version; }

int main() {
  const std::string &c = config_ref();
  int v = get_version();
  std::printf("%s %d %d\n", c.c_str(), v, &c == &config);
}
// CHECK: int main() {
// CHECK-NEXT:   auto [c, v] = kara::par(
// CHECK-NEXT:       [&]() -> const std::string & { return config_ref(); },
// CHECK-NEXT:       [&]() -> int { return get_version(); });
