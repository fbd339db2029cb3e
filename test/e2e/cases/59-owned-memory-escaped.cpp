// Negative (issue 13 §3): the pointer escapes into a global before the
// writes, so what it points to is unknown and the statements keep their
// order.
// E2E-EXPECT: unchanged
#include <cstdio>

struct Acc {
  long v = 0;
};
Acc *Last = nullptr;
[[kara::pure]] void fill(Acc &a, int n) noexcept {
  for (int i = 0; i < n; ++i)
    a.v += i;
}
[[kara::writes(Last)]] void remember(Acc *a) noexcept { Last = a; }

int main() {
  Acc *a = new Acc;
  Acc *b = new Acc;
  remember(a);
  fill(*a, 1000);
  fill(*b, 500);
  long r = a->v + b->v + Last->v;
  delete a;
  delete b;
  std::printf("%ld\n", r);
}
