// Positive: branches copy the arithmetic and enum values they only read
// ([&, n, ...]); pointers, references, class types, written and address-taken
// variables stay captured by reference. kara-sendable and kara-par-conflict
// accept the result (run_e2e.py checks every rewrite with them).
#include <cstdio>

enum class Mode { Fast, Careful };
struct Weights { double w[3]; };

[[kara::reads(A)]] double score_a(double x, Mode m) noexcept {
  return m == Mode::Fast ? x * 2 : x * 3;
}
[[kara::reads(B)]] double score_b(double x, bool flag) noexcept {
  return flag ? x + 1 : x - 1;
}
[[kara::reads(C)]] double score_ptr(const double *p) noexcept { return *p * 10; }
[[kara::reads(D)]] double score_ref(const double &r) noexcept { return r / 2; }
[[kara::reads(E)]] double score_w(const Weights &w) noexcept {
  return w.w[0] + w.w[1] + w.w[2];
}

double evaluate(double x, Mode mode, bool flag, double *cell, const Weights &w) {
  double sa = score_a(x, mode);
  double sb = score_b(x, flag);
  double sp = score_ptr(cell);
  double sr = score_ref(x);
  double sw = score_w(w);
  return sa + sb + sp + sr + sw;
}
// CHECK: double evaluate(double x, Mode mode, bool flag, double *cell, const Weights &w) {
// CHECK-NEXT:   auto [sa, sb, sr, sw] = kara::par(
// CHECK-NEXT:       [&, mode]() -> double { return score_a(x, mode); },
// CHECK-NEXT:       [&, flag]() -> double { return score_b(x, flag); },
// CHECK-NEXT:       [&]() -> double { return score_ref(x); },
// CHECK-NEXT:       [&]() -> double { return score_w(w); });
// CHECK-NEXT:   double sp = score_ptr(cell);

int main() {
  double cell = 1.5;
  Weights w{{0.25, 0.5, 0.75}};
  for (int i = 0; i < 4; ++i)
    std::printf("%.3f\n", evaluate(i * 1.25, i % 2 ? Mode::Fast : Mode::Careful,
                                   i % 3 == 0, &cell, w));
}
