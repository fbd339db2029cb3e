// Positive (issue 13 §1): `continue` ends only its iteration, so in the
// lambda it becomes `return`; the rewrite compiles as C++17 (the parallel
// loops need no C++20 feature).
// E2E-FLAGS: -std=c++17
#include <cstddef>
#include <cstdio>
#include <vector>

[[kara::pure]] int square(int v) noexcept { return v * v; }

int main() {
  std::vector<int> out(50, -1);
  for (std::size_t i = 0; i != out.size(); i++) {
    if (i % 3 == 0)
      continue; // multiples of three keep -1
    out[i] = square(static_cast<int>(i));
  }
  for (int v : out)
    std::printf("%d ", v);
  std::printf("\n");
}
// CHECK: kara::for_each_index<std::size_t>(0, out.size(), [&](std::size_t i) {
// CHECK-NEXT: if (i % 3 == 0)
// CHECK-NEXT: return; // multiples of three keep -1
// CHECK-NEXT: out[i] = square(static_cast<int>(i));
// CHECK-NEXT: });
