#include <kara/runtime.hpp>

#include <cstdio>

int consumer_headers(); // headers.cpp: 21

static long fib(int n) {
  if (n < 2)
    return n;
  auto [a, b] =
      kara::par([&] { return fib(n - 1); }, [&] { return fib(n - 2); });
  return a + b;
}

int main() {
  long r = kara::scope([](kara::nursery &n) {
    auto h = n.spawn([](int k) { return fib(k); }, 20);
    return h.join();
  });
  int h = consumer_headers();
  std::printf("consumer ok %ld\n", r);
  return r == 6765 && h == 21 ? 0 : 1;
}
