// Negative: a local bound to a non-const reference parameter is written, so
// a later call reading it waits; and so does a pointer parameter.
// E2E-EXPECT: unchanged
#include <cstdio>
#include <vector>

[[kara::pure]] void fill(std::vector<int> &out, int n) {
  for (int i = 0; i < n; ++i)
    out.push_back(i * i);
}
[[kara::pure]] long sum(const std::vector<int> &v) noexcept {
  long s = 0;
  for (int x : v)
    s += x;
  return s;
}
[[kara::pure]] void bump(int *p) noexcept { *p += 5; }
[[kara::pure]] int twice(int v) noexcept { return 2 * v; }

int main() {
  std::vector<int> v;
  fill(v, 10);
  long s = sum(v);
  int k = 1;
  bump(&k);
  int t = twice(k);
  std::printf("%ld %d\n", s, t);
}
