// Negative: a const reference that extends the lifetime of a temporary would
// refer to an object destroyed inside its branch; such runs are left alone.
// E2E-EXPECT: unchanged
#include <cstdio>
#include <string>

std::string config = "cfg";
int version = 3;

[[kara::reads(config)]] std::string config_copy() { return config + "!"; }
[[kara::reads(version)]] int get_version() noexcept { return version; }

int main() {
  const std::string &c = config_copy();
  int v = get_version();
  std::printf("%s %d\n", c.c_str(), v);
}
