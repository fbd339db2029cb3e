// Regression (fuzz-findings/05): two tuple-form pars of one function get
// distinct result names.
#include <kara/annotations.hpp>
#include <cstdio>

int A = 1, B = 2;
[[kara::reads(A)]] int fa(int k) noexcept { return A + k; }
[[kara::reads(B)]] int fb(int k) noexcept { return B * k; }
[[kara::pure]] int g1(int v) noexcept { return v * 3; }
[[kara::pure]] int g2(int v) noexcept { return v + 11; }

long two(int k) {
  int x = fa(k);
  int y = g1(x);
  int z = fb(k);
  int w = g2(z);
  long acc = x + y;
  int x2 = fa(w);
  int y2 = g1(x2);
  int z2 = fb(acc);
  int w2 = g2(z2);
  return acc + z + w + x2 + y2 + z2 + w2;
}

long named(int k) {
  int kara_par = k * 2;
  int x = fa(kara_par);
  int y = g1(x);
  int z = fb(k);
  int w = g2(z);
  return x + y + z + w + kara_par;
}

int main() {
  long a = two(3);
  long b = named(4);
  std::printf("%ld %ld\n", a, b);
}
