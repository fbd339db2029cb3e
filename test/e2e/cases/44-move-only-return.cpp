// Regression (bugs/kara-parallelize/05): a move-only local returned by name
// still compiles (clang++ and g++) after the rewrite.
#include <kara/annotations.hpp>
#include <cstdio>
#include <memory>

[[kara::reads(A)]] std::unique_ptr<int> mk() { return std::make_unique<int>(4); }
[[kara::reads(B)]] int rb() noexcept { return 20; }

std::unique_ptr<int> f() {
  std::unique_ptr<int> p = mk();
  int q = rb();
  *p += q;
  return p;
}

int main() { std::printf("%d\n", *f()); }
