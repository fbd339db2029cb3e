// Recursive divide and conquer: the two recursive calls run in parallel.
#include <cstdio>
#include <initializer_list>

[[kara::pure]] long fib(int n) {
  if (n < 2)
    return n;
  long a = fib(n - 1);
  long b = fib(n - 2);
  return a + b;
}
// CHECK: #include <kara/runtime.hpp>
// CHECK: long fib(int n) {
// CHECK:   auto [a, b] = kara::par(
// CHECK-NEXT: [&, n]() -> long { return fib(n - 1); },
// CHECK-NEXT: [&, n]() -> long { return fib(n - 2); });
// CHECK-NEXT:   return a + b;

int main() {
  for (int n : {0, 1, 2, 10, 18})
    std::printf("fib(%d) = %ld\n", n, fib(n));
}
