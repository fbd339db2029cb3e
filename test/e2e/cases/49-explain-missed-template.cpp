// Regression (bugs/kara-parallelize/10): with ExplainMissed a run inside a
// template instantiation is explained like the same run in a plain function.
// E2E-EXPECT: unchanged
// E2E-TIDY-ARGS: '--config={CheckOptions: {kara-parallelize.ExplainMissed: true}}'
// E2E-DIAG: :19:3: warning: 2 statements calling kara-annotated functions were not parallelized
// E2E-DIAG: :20:3: note: this statement must follow the one at line 19: .*writes\(G\)
#include <kara/annotations.hpp>

int G = 0;
[[kara::writes(G)]] int wg(int v) noexcept { return G += v; }

int plain(int x) {
  int a = wg(x);
  int b = wg(a);
  return b;
}

template <class T> T templ(T x) {
  T a = wg(x);
  T b = wg(a);
  return b;
}

int main() { return plain(1) + templ<int>(2); }
