// Negative (regression): `span` has a destructor that prints. Moving its
// declaration into a branch would destroy it before the printf below, not at
// the end of the block; so the run is left alone.
// E2E-EXPECT: unchanged
#include <cstdio>

struct Span {
  int id;
  ~Span() { std::printf("end span %d\n", id); }
};
struct Traced {
  Span span;
  int depth;
};

[[kara::pure]] Span open_span(int id) { return Span{id}; }
[[kara::pure]] Traced open_traced(int id) { return Traced{Span{id}, 1}; }
[[kara::pure]] int work(int i) noexcept { return i * 2; }

void run(int i) {
  Span span = open_span(i);
  int w = work(i);
  std::printf("w=%d\n", w);
}

void run_nested(int i) {
  Traced t = open_traced(i);
  int w = work(i);
  std::printf("w=%d\n", w);
}

int main() {
  run(7);
  run_nested(8);
}
