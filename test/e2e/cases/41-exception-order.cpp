// Regression (bugs/kara-parallelize/02): statements that may throw and sit
// in different branches keep sequential order: for f(2) both check_b and
// check_c throw, and sequential code throws from check_b.
#include <kara/annotations.hpp>
#include <cstdio>
#include <stdexcept>

[[kara::reads(A)]] int check_a(int x) { if (x == 1) throw std::runtime_error("A"); return x; }
[[kara::reads(B)]] int check_b(int x) { if (x == 2) throw std::runtime_error("B"); return x; }
[[kara::reads(C)]] int check_c(int x) { if (x == 2) throw std::runtime_error("C"); return x; }

int f(int x) {
  int a = check_a(x);
  int b = check_b(x);
  int c = check_c(a);
  return b + c;
}

int main() {
  try { std::printf("%d\n", f(2)); } catch (const std::exception &e) { std::printf("caught %s\n", e.what()); }
}
