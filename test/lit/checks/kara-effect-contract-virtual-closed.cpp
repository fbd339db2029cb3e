// RUN: %check_kara_tidy %s kara-effect-contract %t
// RUN: %check_kara_tidy -check-suffix=CLOSED %s kara-effect-contract %t -- --config="{CheckOptions: {kara.ClosedHierarchies: true}}"
// Issue 13 §2. Unannotated hierarchies stay unknown unless every override is
// visible: a final class or method, a class with internal linkage (no other
// unit can derive from it), or kara.ClosedHierarchies (off by default). An
// override whose own annotations declare more than the base's contract is
// reported at the override, with a note at the base declaration.

#include <kara/annotations.hpp>

int Log = 0;
int Cache = 0;

// External linkage: another unit may add an override.
struct Shape {
  virtual ~Shape() = default;
  virtual int area() const { return 0; }
};
struct Square : Shape {
  int side = 1;
  int area() const override { return side * side + Cache; }
};

[[kara::reads(Cache)]] int open_hierarchy(const Shape &s) { return s.area(); }
// CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'open_hierarchy' has effects its kara annotations cannot cover: it calls code whose effects are unknown; declared {reads(Cache), reads(s)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:68: note: a virtual call to 'Shape::area' (its overriders are not known) has unknown effects
// With the option, the overriders of this unit are all there are.
// CHECK-MESSAGES-CLOSED-NOT: open_hierarchy

namespace {
// Internal linkage: every override is in this unit.
struct Tool {
  virtual ~Tool() = default;
  virtual int use() = 0;
};
struct Hammer : Tool {
  int use() override { return Cache; }
};
struct Saw : Tool {
  int use() override { return ++Log; }
};
} // namespace

[[kara::reads(Cache)]] int closed_hierarchy(Tool &t) { return t.use(); }
// CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'closed_hierarchy' writes(Log), which its kara annotations do not declare; declared {reads(Cache), writes(t)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:63: note: calls '(anonymous)::Saw::use', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-7]]:33: note: writes Log here
// CHECK-MESSAGES-CLOSED: :[[@LINE-4]]:28: warning: 'closed_hierarchy' writes(Log), which its kara annotations do not declare; declared {reads(Cache), writes(t)} [kara-effect-contract]
// CHECK-MESSAGES-CLOSED: :[[@LINE-5]]:63: note: calls '(anonymous)::Saw::use', which writes(Log)
// CHECK-MESSAGES-CLOSED: :[[@LINE-10]]:33: note: writes Log here

// An override's own annotations must stay within the base's contract.
struct Sensor {
  virtual ~Sensor() = default;
  [[kara::reads(Cache)]] virtual int read() const { return Cache; }
};
struct Logging : Sensor {
  [[kara::writes(Log)]] int read() const override { return ++Log; }
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'read' declares writes(Log), which the contract of the overridden 'Sensor::read' does not cover: calls through the base rely on that contract; declared there {reads(Cache), reads(this)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-5]]:38: note: the overridden contract is declared here
  // CHECK-MESSAGES-CLOSED: :[[@LINE-3]]:29: warning: 'read' declares writes(Log), which the contract of the overridden 'Sensor::read' does not cover: calls through the base rely on that contract; declared there {reads(Cache), reads(this)} [kara-effect-contract]
  // CHECK-MESSAGES-CLOSED: :[[@LINE-7]]:38: note: the overridden contract is declared here
};
// A narrower own contract is fine.
struct Constant : Sensor {
  [[kara::pure]] int read() const override { return 4; }
};
