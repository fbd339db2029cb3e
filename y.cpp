#include <cstdio>
#include <stdexcept>
int logged = 0;
[[kara::reads(A)]] int fa() noexcept { return 1; }
[[kara::reads(B)]] int fb() noexcept { return 2; }
[[kara::writes(logged)]] void note(int a, int b) noexcept { logged = a + b; }
[[kara::reads(C)]] int fc(int x) { if (x > 0) throw std::runtime_error("boom"); return x; }
int run(int x) {
  int a = fa();
  int b = fb();
  note(a, b);
  int c = fc(x);
  return c;
}
int main() {
  try { run(1); } catch (const std::exception &e) { std::printf("caught %s logged=%d\n", e.what(), logged); }
}
