// Positive: runs inside a lambda body and inside a nested block are found.
#include <cstdio>

[[kara::reads(A)]] int fa(int k) noexcept { return k + 100; }
[[kara::reads(B)]] int fb(int k) noexcept { return k * 100; }

int main() {
  auto job = [](int k) {
    int a = fa(k);
    int b = fb(k);
    return a + b;
  };
  int total = 0;
  for (int i = 0; i < 3; ++i) {
    {
      int x = fa(i);
      int y = fb(i);
      total += x - y;
    }
  }
  std::printf("%d %d\n", job(2), total);
}
// CHECK: auto job = [](int k) {
// CHECK-NEXT:     auto [a, b] = kara::par(
// CHECK-NEXT: [&, k]() -> int { return fa(k); },
// CHECK-NEXT: [&, k]() -> int { return fb(k); });
// CHECK-NEXT:     return a + b;
// CHECK:      for (int i = 0; i < 3; ++i) {
// CHECK-NEXT:   {
// CHECK-NEXT:       auto [x, y] = kara::par(
// CHECK-NEXT: [&, i]() -> int { return fa(i); },
// CHECK-NEXT: [&, i]() -> int { return fb(i); });
// CHECK-NEXT:       total += x - y;
