#include "support.hpp"

#include <kara/runtime.hpp>

namespace consumer {

long fib(int n) {
  if (n < 2)
    return n;
  auto [a, b] =
      kara::par([n] { return fib(n - 1); }, [n] { return fib(n - 2); });
  return a + b;
}

} // namespace consumer
