// Regression (bugs/kara-parallelize/09): throwing a standard exception does
// not make a truthful annotation fail kara-effect-contract.
// E2E-EXPECT: unchanged
// E2E-CLEAN-CHECKS: kara-effect-contract
#include <kara/annotations.hpp>
#include <stdexcept>

int A = 0;

[[kara::reads(A)]] int check(int x) {
  if (x > A)
    throw std::runtime_error("too big");
  return x;
}

int main() { return check(0); }
