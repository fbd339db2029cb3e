// kara-tidy --checks=-*,kara-parallelize --fix output of test/e2e/cases/05-mergesort.cpp
// (its CHECK lines removed first, as run_e2e.py does), kept as a program that
// a user of the installed runtime builds. Expected output: 05-mergesort.out.
// Recursive mergesort on values: the halves are sorted in parallel.
#include <cstdio>
#include <kara/runtime.hpp>
#include <vector>

[[kara::pure]] std::vector<int> merge(const std::vector<int> &l,
                                      const std::vector<int> &r) {
  std::vector<int> out;
  out.reserve(l.size() + r.size());
  std::size_t i = 0, j = 0;
  while (i < l.size() && j < r.size())
    out.push_back(l[i] <= r[j] ? l[i++] : r[j++]);
  while (i < l.size())
    out.push_back(l[i++]);
  while (j < r.size())
    out.push_back(r[j++]);
  return out;
}

[[kara::pure]] std::vector<int> msort(const std::vector<int> &v) {
  if (v.size() <= 16) {
    std::vector<int> s = v;
    for (std::size_t i = 1; i < s.size(); ++i)
      for (std::size_t k = i; k > 0 && s[k - 1] > s[k]; --k)
        std::swap(s[k - 1], s[k]);
    return s;
  }
  std::size_t mid = v.size() / 2;
  std::vector<int> left(v.begin(), v.begin() + mid);
  std::vector<int> right(v.begin() + mid, v.end());
  auto [sl, sr] = kara::par(
      [&]() -> std::vector<int> { return msort(left); },
      [&]() -> std::vector<int> { return msort(right); });
  return merge(sl, sr);
}

int main() {
  std::vector<int> v;
  unsigned x = 12345;
  for (int i = 0; i < 2000; ++i) {
    x = x * 1103515245u + 12345u;
    v.push_back(static_cast<int>((x >> 8) % 10000));
  }
  std::vector<int> s = msort(v);
  long sum = 0;
  bool sorted = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    sum += s[i] * static_cast<long>(i % 7);
    if (i && s[i - 1] > s[i])
      sorted = false;
  }
  std::printf("n=%zu sorted=%d first=%d last=%d checksum=%ld\n", s.size(),
              sorted, s.front(), s.back(), sum);
}
