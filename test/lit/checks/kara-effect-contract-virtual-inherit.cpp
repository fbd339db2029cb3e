// RUN: %check_kara_tidy %s kara-effect-contract %t
// Annotations on a virtual function are the contract of every override
// (issue 13 §2): a call through the base has the base's declared effects, an
// override without annotations inherits them, and an override whose body
// exceeds them is reported at the override with a note at the base.

#include <kara/annotations.hpp>

int Log = 0;
int Cache = 0;

struct Shape {
  virtual ~Shape() = default;
  [[kara::reads(Cache)]] virtual int area() const { return Cache; }
  [[kara::writes(out)]] virtual void describe(int &out) const { out = 0; }
};

struct Square : Shape {
  int side = 1;
  int area() const override { return side * side + Cache; }
  void describe(int &out) const override { out = side; }
};

struct Noisy : Shape {
  int area() const override { return ++Log; }
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'area' writes(Log), which its kara annotations do not declare; declared {reads(Cache), reads(this)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-2]]:40: note: writes Log here
  // CHECK-MESSAGES: :[[@LINE-14]]:38: note: the contract is inherited from the overridden 'Shape::area', declared here
};

// Two levels down, still the base's contract.
struct BigSquare : Square {
  int area() const override { return side * 4 + Log++; }
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'area' writes(Log), which its kara annotations do not declare; declared {reads(Cache), reads(this)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-2]]:49: note: writes Log here
  // CHECK-MESSAGES: :[[@LINE-22]]:38: note: the contract is inherited from the overridden 'Shape::area', declared here
};

// An override's own annotation replaces the inherited one (and must stay
// within it for callers through the base; not checked here).
struct Cached : Shape {
  [[kara::reads(Cache)]] int area() const override { return Cache * 2; }
};

// Callers through the base rely on the contract.
[[kara::reads(Cache)]] int total(const Shape &a, const Shape &b) {
  return a.area() + b.area();
}
[[kara::pure]] int direct(const Square &s) { return s.area(); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'direct' reads(Cache), which its kara annotations do not declare; declared {reads(s)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:53: note: calls 'Square::area', which reads(Cache)
// CHECK-MESSAGES: :[[@LINE-38]]:38: note: 'Square::area' is declared reads(Cache) here
