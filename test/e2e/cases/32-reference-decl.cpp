// Negative: a reference declaration used later would have to be returned
// from a branch; such runs are left alone.
// E2E-EXPECT: unchanged
#include <cstdio>
#include <string>

std::string config = "cfg";
int version = 3;

[[kara::reads(config)]] const std::string &config_ref() noexcept { return config; }
[[kara::reads(version)]] int get_version() noexcept { return version; }

int main() {
  const std::string &c = config_ref();
  int v = get_version();
  std::printf("%s %d\n", c.c_str(), v);
}
