// Negative: a run made only of macro expansions is left alone.
// E2E-EXPECT: unchanged
#include <cstdio>

[[kara::reads(A)]] int fa() noexcept { return 1; }
[[kara::reads(B)]] int fb() noexcept { return 2; }
int a_out = 0, b_out = 0;
[[kara::writes(a_out)]] void put_a(int v) noexcept { a_out = v; }
[[kara::writes(b_out)]] void put_b(int v) noexcept { b_out = v; }

#define STORE_A() put_a(fa())
#define STORE_B() put_b(fb())

int main() {
  STORE_A();
  STORE_B();
  std::printf("%d %d\n", a_out, b_out);
}
