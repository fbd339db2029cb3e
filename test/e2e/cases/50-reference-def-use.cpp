// Regression (bugs/kara-parallelize/11): a use through a reference declared
// in the run is a use of the run's declaration: total(li) stays after it.
#include <kara/annotations.hpp>
#include <cstdio>
#include <vector>

struct Box {
  std::vector<int> items{1, 2};
  [[kara::reads(this)]] const std::vector<int> &list() const noexcept { return items; }
};
[[kara::pure]] long total(const std::vector<int> &v) noexcept { return (long)v.size(); }
[[kara::reads(A)]] int ra() noexcept { return 1; }

long f() {
  Box b;
  const std::vector<int> &li = b.list();
  long t = total(li);
  int z = ra();
  return t + z + (long)li.size() - 2;
}

int main() { std::printf("%ld\n", f()); }
