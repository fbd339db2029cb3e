// Must not compile: kara::unique is move-only.
#include <kara/runtime.hpp>

#include <vector>

int main() {
  auto u = kara::recover([] { return std::vector<int>(3); });
  auto copy = u;
  return static_cast<int>(copy.get().size());
}
