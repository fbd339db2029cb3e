// Reads through reference members are reads of their referent (`*int`), a
// known effect: two statements that only read through Views run in
// parallel, while a write of the int the Views refer to (through a View or
// directly) keeps its order. Before, every access through a reference
// member was `unknown` and nothing around it moved.
#include <kara/annotations.hpp>
#include <cstdio>

struct CView {
  const int &ref;
  int get() const noexcept { return ref; }
};
struct View {
  int &ref;
  int bump() noexcept { return ++ref; }
};

[[kara::pure]] long work(int x) noexcept {
  long s = 0;
  for (int k = 0; k < 200000; ++k)
    s += (x + k) % 7;
  return s;
}

long f(int seed) {
  int a = seed, b = seed + 1;
  CView va{a}, vb{b};
  View w{a};
  long x = work(va.get());
  long y = work(vb.get());
  long z = work(w.bump()); // writes the int va reads: after both
  long u = work(va.get());
  return x + y + z + u;
}

int main() {
  long s = 0;
  for (int i = 0; i < 20; ++i)
    s += f(i);
  std::printf("%ld\n", s);
}
// CHECK: View w{a};
// CHECK-NEXT: auto [x, y] = kara::par(
// CHECK-NEXT: [&]() -> long { return work(va.get()); },
// CHECK-NEXT: [&]() -> long { return work(vb.get()); });
// CHECK-NEXT: long z = work(w.bump());
// CHECK-NEXT: long u = work(va.get());
