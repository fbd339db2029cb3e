// Templates: a block is rewritten when every instantiation plans the same
// rewrite (function templates, members of class templates, generic lambdas).
#include <cstdio>

[[kara::reads(A)]] int fa(int k) noexcept { return k + 1; }
[[kara::reads(B)]] int fb(int k) noexcept { return k * 2; }

template <class T> T combine(T k) {
  int a = fa(static_cast<int>(k));
  int b = fb(static_cast<int>(k));
  return static_cast<T>(a + b);
}

template <class T> struct Box {
  T v;
  T both() const {
    int a = fa(static_cast<int>(v));
    int b = fb(static_cast<int>(v));
    return static_cast<T>(a * b);
  }
};

int main() {
  auto twice = [](auto k) {
    int a = fa(k);
    int b = fb(k);
    return a - b;
  };
  std::printf("%d %ld %d %d\n", combine(3), combine(4L), Box<int>{5}.both(),
              twice(6));
}
// CHECK: template <class T> T combine(T k) {
// CHECK-NEXT:   auto [a, b] = kara::par(
// CHECK-NEXT:       [&]() -> int { return fa(static_cast<int>(k)); },
// CHECK-NEXT:       [&]() -> int { return fb(static_cast<int>(k)); });
// CHECK: T both() const {
// CHECK-NEXT:     auto [a, b] = kara::par(
// CHECK: auto twice = [](auto k) {
// CHECK-NEXT:     auto [a, b] = kara::par(
// CHECK-NEXT:         [&]() -> int { return fa(k); },
