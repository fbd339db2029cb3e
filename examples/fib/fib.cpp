// Fine-grained recursion without a cutoff: after `kara-tidy --fix` every
// level runs its two calls through kara::par. The runtime runs a par inline
// when no worker is idle, so this must not be a pessimization.
#include <kara/annotations.hpp>

#include <cstdio>
#include <cstdlib>

[[kara::pure]] long fib(int n) {
  if (n < 2)
    return n;
  long a = fib(n - 1);
  long b = fib(n - 2);
  return a + b;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 30;
  std::printf("fib(%d) = %ld\n", n, fib(n));
}
