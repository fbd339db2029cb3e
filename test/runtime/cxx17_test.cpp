// <kara/runtime.hpp> in a C++17 translation unit, as kara-tidy may produce.
#include <kara/runtime.hpp>

#if __cplusplus >= 202002L
#error "this test must be compiled as C++17"
#endif

#include <cstdio>
#include <string>

static int fib(int n) {
  if (n < 2)
    return n;
  auto [a, b] = kara::par([&]() -> int { return fib(n - 1); },
                          [&]() -> int { return fib(n - 2); });
  return a + b;
}

int main() {
  int failures = 0;
  auto check = [&](bool ok, const char *what) {
    if (!ok) {
      std::fprintf(stderr, "FAILED: %s\n", what);
      ++failures;
    }
  };
  check(fib(20) == 6765, "par fib");
  int x = 0, y = 0;
  kara::par([&] { x = 1; }, [&] { y = 2; });
  check(x + y == 3, "void par");
  int s = kara::scope([](kara::nursery &n) {
    auto h = n.spawn([](int v) { return v + 1; }, 1);
    return h.join();
  });
  check(s == 2, "scope");
  auto h =
      kara::spawn([](std::string v) { return v.size(); }, std::string("abc"));
  check(h.join() == 3, "spawn");
  static_assert(kara::is_sendable_v<std::string>, "trait usable in C++17");
  static_assert(!kara::is_sendable_v<int *>, "trait usable in C++17");
  auto t = kara::with_timeout(std::chrono::seconds(1), [] { return 4; });
  check(t && *t == 4, "with_timeout");
  std::puts(failures == 0 ? "ok" : "failed");
  return failures == 0 ? 0 : 1;
}
