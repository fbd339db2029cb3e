// Regression (test/fuzz finding 02, fuzz seed 6): the object a reference or
// pointer parameter refers to, and *this, may be a global or another
// parameter's referent: the caller passes it (`f(2, g)`, `p(2, &g)`,
// `c.twice(c.n)`). Accesses to two such objects stay in order when one of
// them writes, unless their types show that they are distinct objects (an
// int is no double global, a Req holding a string contains no int). Before
// the fix, f and twice raced (ThreadSanitizer) and p printed another g; k
// was split into four branches.
#include <kara/annotations.hpp>
#include <cstdio>
#include <string>
#include <vector>

static void spin() noexcept { // long enough for the other branch to be stolen
  for (volatile int k = 0; k < 20000; k = k + 1) {
  }
}

int g = 1;
double h = 0.5;
std::vector<double> samples;
struct Req {
  std::string name;
};

[[kara::writes(g)]] int wg(int a) noexcept {
  spin();
  g = g * 3 + a;
  return g;
}
[[kara::writes(h)]] int wh(int a) noexcept {
  spin();
  h = h * 2 + a;
  return a + 1;
}
[[kara::pure]] void put(int &o, int v) noexcept {
  spin();
  o = o * 5 + v;
}
[[kara::pure]] double weight(const Req &r) noexcept {
  return static_cast<double>(r.name.size());
}
[[kara::writes(samples)]] void record(double v) noexcept {
  samples.push_back(v);
}

// io may be g.
int f(int x, int &io) {
  int a = wg(x);
  put(io, 3);
  return a;
}
// CHECK: int f(int x, int &io) {
// CHECK-NEXT:   int a = wg(x);
// CHECK-NEXT:   put(io, 3);

// pp may point to g: wg stays after put (which itself never moves).
int p(int x, int *pp) {
  put(*pp, 4);
  int a = wg(x);
  int b = wh(x);
  return a + b;
}
// CHECK: int p(int x, int *pp) {
// CHECK-NEXT:   put(*pp, 4);
// CHECK-NEXT:   int a = wg(x);
// CHECK-NEXT:   int b = wh(x);

// io may be g, so put follows wg in its branch (and a second --fix, which
// sees io captured by reference, keeps them together); h is a double,
// samples hold doubles and a Req holds no int: those run beside them.
int k(int x, int &io, const Req &r) {
  int a = wg(x);
  put(io, 3);
  int b = wh(x);
  record(weight(r));
  return a + b;
}
// CHECK: int k(int x, int &io, const Req &r) {
// CHECK-NEXT:   auto [a, b] = kara::par(
// CHECK-NEXT:       [&, x]() -> int {
// CHECK-NEXT:         int a = wg(x);
// CHECK-NEXT:         put(io, 3);
// CHECK-NEXT:         return a;
// CHECK-NEXT:       },
// CHECK-NEXT:       [&, x]() -> int { return wh(x); },
// CHECK-NEXT:       [&] { record(weight(r)); });

struct Counter {
  int n = 0;
  [[kara::writes(this)]] void bump() noexcept {
    spin();
    n = n * 2 + 1;
  }
  // out may be this->n.
  void twice(int &out) {
    bump();
    put(out, 1);
  }
};
// CHECK: void twice(int &out) {
// CHECK-NEXT:     bump();
// CHECK-NEXT:     put(out, 1);

int main() {
  int r = 0;
  Req req{"abc"};
  Counter c;
  for (int i = 0; i < 300; ++i) {
    g = 1;
    r += f(2, g);
    r += p(2, &g) % 1000;
    r += k(2, g, req) % 1000;
    c.n = i % 7;
    c.twice(c.n);
    r += c.n % 100;
  }
  std::printf("%d %d %.1f %zu %d\n", r, g, h > 1e9 ? 1.0 : 0.0,
              samples.size(), c.n);
}
