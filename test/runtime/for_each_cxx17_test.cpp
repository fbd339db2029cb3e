// The parallel loops in a C++17 translation unit, as kara-parallelize writes
// them into C++17 code.
#include <kara/runtime.hpp>

#if __cplusplus >= 202002L
#error "this test must be compiled as C++17"
#endif

#include <cstdio>
#include <functional>
#include <vector>

int main() {
  int failures = 0;
  auto check = [&](bool ok, const char *what) {
    if (!ok) {
      std::fprintf(stderr, "FAILED: %s\n", what);
      ++failures;
    }
  };
  std::vector<int> v(1000);
  kara::for_each_index(0, 1000, [&](int i) { v[i] = i; });
  kara::for_each(v, [](int &x) { x *= 2; });
  check(v[999] == 1998, "for_each");
  long s = kara::reduce_index(0, 1000, 0L, std::plus<>(),
                              [&](int i) { return long{v[i]}; });
  check(s == 999000, "reduce_index");
  long t = kara::reduce(v, kara::grain{16}, 0L, std::plus<>(),
                        [](int x) { return long{x}; });
  check(t == 999000, "reduce");
  std::puts(failures == 0 ? "ok" : "failed");
  return failures == 0 ? 0 : 1;
}
