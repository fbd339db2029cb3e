// Statements that are macro expansions are never rewritten; a statement
// that merely contains a macro in its initializer is moved verbatim.
#include <cstdio>

[[kara::reads(A)]] int fa() noexcept { return 1; }
[[kara::reads(B)]] int fb() noexcept { return 2; }

#define BOTH(x, y) int x = fa(); int y = fb()
#define CALL(f) f()

int main() {
  BOTH(a, b);
  int c = CALL(fa);
  int d = CALL(fb);
  std::printf("%d %d %d %d\n", a, b, c, d);
}
// CHECK: int main() {
// CHECK-NEXT:   BOTH(a, b);
// CHECK-NEXT:   auto [c, d] = kara::par(
// CHECK-NEXT:       [&]() -> int { return CALL(fa); },
// CHECK-NEXT:       [&]() -> int { return CALL(fb); });
