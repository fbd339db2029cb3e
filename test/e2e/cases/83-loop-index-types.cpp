// Positive (issue 13 §1): `std::vector<T> &out` filled from `in` at the
// loop's own index, with the index types users write: size_t against
// size(), int against a count, unsigned with `!=` and `i++`.
#include <cstddef>
#include <cstdio>
#include <vector>

[[kara::pure]] double f(double x) noexcept { return x * x + 1; }
[[kara::pure]] int g(int x) noexcept { return x % 7; }

void apply_f(std::vector<double> &out, const std::vector<double> &in) {
  for (size_t i = 0; i < in.size(); ++i)
    out[i] = f(in[i]);
}

void label(std::vector<int> &labels, int n) {
  for (int i = 0; i < n; i++)
    labels[i] = g(i);
}

void bump(std::vector<unsigned> &v) {
  for (unsigned i = 0; i != v.size(); i++)
    v[i] += static_cast<unsigned>(g(static_cast<int>(i)));
}

int main() {
  std::vector<double> in(30), out(30);
  for (int i = 0; i < 30; ++i)
    in[i] = i * 0.5;
  apply_f(out, in);
  std::vector<int> labels(20);
  label(labels, 20);
  std::vector<unsigned> v(10, 1);
  bump(v);
  std::printf("%.2f %d %u\n", out[29], labels[13], v[9]);
}
// CHECK: kara::for_each_index<size_t>(0, in.size(), [&](size_t i) {
// CHECK: kara::for_each_index<int>(0, n, [&](int i) {
// CHECK: kara::for_each_index<unsigned int>(0, v.size(), [&](unsigned int i) {
