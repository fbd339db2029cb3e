// Regression: with StrictExceptionOrder, a statement that may throw must not
// run before an earlier statement that writes something. `note` depends on
// both loads, so it follows the par; `check` may throw and must not move
// into the first par ahead of `note` (sequentially `note` has run when
// `check` throws). Beside `note` in a second par is fine: branch 0 always
// starts and runs to its end even when a sibling throws.
#include <cstdio>
#include <stdexcept>

int logged = 0;

[[kara::reads(A)]] int load_a() noexcept { return 1; }
[[kara::reads(B)]] int load_b() noexcept { return 2; }
[[kara::writes(logged)]] void note(int a, int b) noexcept { logged = a + b; }
[[kara::reads(C)]] int check(int x) {
  if (x > 0)
    throw std::runtime_error("check failed");
  return x;
}

int run(int x) {
  int a = load_a();
  int b = load_b();
  note(a, b);
  int c = check(x);
  return c;
}
// CHECK: int run(int x) {
// CHECK-NEXT:   auto [a, b] = kara::par(
// CHECK-NEXT:       [&]() -> int { return load_a(); },
// CHECK-NEXT:       [&]() -> int { return load_b(); });
// CHECK-NEXT:   auto [c] = kara::par(
// CHECK-NEXT:       [&] { note(a, b); },
// CHECK-NEXT: [&, x]() -> int { return check(x); });
// CHECK-NEXT:   return c;

int main() {
  std::printf("%d\n", run(0));
  try {
    run(1);
  } catch (const std::exception &e) {
    std::printf("caught %s logged=%d\n", e.what(), logged);
  }
}
