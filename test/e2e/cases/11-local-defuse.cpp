// Negative: the second call uses the variable the first declares, the third
// reads what the second wrote to a local.
// E2E-EXPECT: unchanged
#include <cstdio>

[[kara::pure]] int load(int k) noexcept { return k * 10; }
[[kara::pure]] int scale(int v) noexcept { return v + 1; }

int main() {
  int base = load(4);
  int scaled = scale(base);
  std::printf("%d %d\n", base, scaled);
}
