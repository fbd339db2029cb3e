// RUN: %check_kara_tidy %s kara-effect-contract %t
// A resource whose name is one edit away from a parameter stays a resource:
// its effect is declared (kara-annotation may still suggest the parameter),
// so neither a truthful contract is reported nor a write dropped from the
// declared effects (test/fuzz finding 04).

#include <kara/annotations.hpp>

int g1 = 1;
[[kara::writes(g1)]] int bump(int a0, int b1) noexcept {
  g1 = g1 * 3 + a0 + b1;
  return g1;
}
