// RUN: %check_kara_tidy %s kara-effect-contract %t -- \
// RUN:   -config="{CheckOptions: {kara.EffectsDatabases: '%S/Inputs/std-exceptions.json'}}"
// Throwing is no effect by itself (issue 9.3): `throw E(...)` has the effects
// of the constructor and destructor of E it calls, and nothing else, so a
// truthful annotation on a function that throws a standard exception is
// accepted (bug 09) once the exception classes are described.

#include <kara/annotations.hpp>
#include <stdexcept>

int A = 0;
int Dropped = 0;

[[kara::reads(A)]] int check(int x) {
  if (x > A)
    throw std::runtime_error("too big");
  return x;
}

[[kara::reads(A)]] int check_arg(int x) {
  if (x < 0)
    throw std::invalid_argument("negative");
  try {
    return check(x);
  } catch (const std::exception &e) {
    throw;
  }
}

// A user exception type: its constructor and destructor are calls like any
// other; a destructor that writes a global is an effect of the throw.
struct Quiet {
  int code;
};
struct Loud {
  ~Loud() { ++Dropped; }
};

[[kara::pure]] int quiet(int x) {
  if (x)
    throw Quiet{x};
  return 0;
}

[[kara::pure]] int loud(int x) {
  if (x)
    throw Loud{};
  return 0;
}
// CHECK-MESSAGES: :[[@LINE-5]]:20: warning: 'loud' writes(Dropped), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-4]]:15: note: calls 'Loud::~Loud', which writes(Dropped)
// CHECK-MESSAGES: :[[@LINE-16]]:15: note: writes Dropped here
