// Negative (issue 13 §1): a loop in a template whose instantiations do not
// agree (one source's read is pure, the other's prints) is kept and
// explained: the template's text is shared by every instantiation.
// E2E-EXPECT: unchanged
// E2E-TIDY-ARGS: '--config={CheckOptions: {kara-parallelize.ExplainMissed: true}}'
// E2E-DIAG: loop calling kara-annotated functions was not parallelized
// E2E-DIAG: the instantiations of its template would not all rewrite this loop
#include <cstdio>
#include <vector>

struct Quiet {
  [[kara::pure]] int get(int i) const noexcept { return i * 3; }
};
struct Loud {
  [[kara::writes(kara::io)]] int get(int i) const {
    std::printf("get %d\n", i);
    return i;
  }
};

template <class Source> int fill(std::vector<int> &out, const Source &src) {
  for (int i = 0; i < 8; ++i)
    out[i] = src.get(i);
  return out[7];
}

int main() {
  std::vector<int> a(8), b(8);
  std::printf("%d\n", fill(a, Quiet{}));
  std::printf("%d\n", fill(b, Loud{}));
}
