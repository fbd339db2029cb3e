// Negative (issue 13 §1): the body may throw, and the container is the
// caller's: the sequential loop stops at the first throw, but a parallel
// loop may already have written later elements, which the caller sees.
// E2E-EXPECT: unchanged
// E2E-TIDY-ARGS: '--config={CheckOptions: {kara-parallelize.ExplainMissed: true}}'
// E2E-DIAG: the body may throw: iterations after the one that throws
#include <cstdio>
#include <stdexcept>
#include <vector>

[[kara::pure]] int checked(int v) {
  if (v == 7)
    throw std::runtime_error("bad item");
  return v * 2;
}

void fill(std::vector<int> &out) {
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = checked(static_cast<int>(i));
}

int main() {
  std::vector<int> out(20, 0);
  try {
    fill(out);
  } catch (const std::exception &e) {
    std::printf("%s\n", e.what());
  }
  for (int v : out)
    std::printf("%d ", v);
  std::printf("\n");
}
