// Owned memory (issue 13 §3): each statement writes through its own
// make_unique / new local, so the two fills run in parallel; the reads and
// the deletes wait for them. Declined before: the owners were pointer-like
// locals a branch would capture.
#include <cstdio>
#include <memory>

struct Acc {
  long v = 0;
};
[[kara::pure]] void fill(Acc &a, int n) noexcept {
  for (int i = 0; i < n; ++i)
    a.v += i;
}

int main() {
  auto a = std::make_unique<Acc>();
  Acc *b = new Acc;
  fill(*a, 1000);
  fill(*b, 500);
  long r = a->v + b->v;
  delete b;
  b = nullptr;
  std::printf("%ld\n", r);
}
// CHECK: Acc *b = new Acc;
// CHECK-NEXT:   kara::par(
// CHECK-NEXT:       [&] { fill(*a, 1000); },
// CHECK-NEXT:       [&] { fill(*b, 500); });
// CHECK-NEXT:   long r = a->v + b->v;
