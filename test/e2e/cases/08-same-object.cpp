// Negative: two writes(this) calls on the same object must stay in order.
// E2E-EXPECT: unchanged
#include <cstdio>

struct Counter {
  int value = 1;
  [[kara::writes(this)]] void twice() noexcept { value *= 2; }
  [[kara::writes(this)]] void add(int k) noexcept { value += k; }
};

int main() {
  Counter c;
  c.twice();
  c.add(3);
  std::printf("%d\n", c.value);
}
