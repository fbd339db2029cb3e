// A mutable lambda's state would be shared by concurrent iterations:
// kara::for_each_index rejects it. With KARA_CF_CONTROL the lambda is const
// and the file compiles.
#include <kara/runtime.hpp>

int main() {
  int sum = 0;
#if defined(KARA_CF_CONTROL)
  kara::for_each_index(0, 10, [&sum](int i) { sum += i; });
#else
  kara::for_each_index(0, 10, [count = 0](int i) mutable { count += i; });
#endif
  return sum;
}
