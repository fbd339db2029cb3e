// RUN: %check_kara_tidy %s kara-effect-contract %t
// Virtual calls are unknown unless devirtualised (a final method or class, a
// qualified call, a call on an object rather than a reference or pointer) or
// the method called is annotated. Calls through function pointers and
// std::function are unknown.

#include <kara/annotations.hpp>
#include <functional>

[[kara::writes(Log)]] void log_line(int v);

struct Shape {
  virtual ~Shape() = default;
  virtual int area() const { return 0; }
  [[kara::reads(this)]] virtual int perimeter() const { return 0; }
};
struct Square final : Shape {
  int side = 1;
  int area() const override { return side * side; }
};
struct Circle : Shape {
  int area() const final { log_line(1); return 3; }
};

[[kara::pure]] int v1(const Shape &s) { return s.area(); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'v1' has effects its kara annotations cannot cover: it calls code whose effects are unknown; declared {reads(s)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:48: note: a virtual call to 'Shape::area' (its overriders are not known) has unknown effects
[[kara::pure]] int v2(const Shape *s) { return s->area(); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'v2' has effects its kara annotations cannot cover: it calls code whose effects are unknown; declared {reads(s)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:48: note: a virtual call to 'Shape::area' (its overriders are not known) has unknown effects

// Annotated virtual method: its annotation is the contract of every override.
[[kara::pure]] int annotated(const Shape &s) { return s.perimeter(); }
// Final class, final method, qualified call, object of known type.
[[kara::pure]] int final_class(const Square &s) { return s.area(); }
[[kara::pure]] int final_method(const Circle &c) { return c.area(); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'final_method' writes(Log), which its kara annotations do not declare; declared {reads(c)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:59: note: calls 'Circle::area', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-17]]:28: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-30]]:28: note: 'log_line' is declared writes(Log) here
[[kara::pure]] int qualified(const Shape &s) { return s.Shape::area(); }
[[kara::pure]] int by_object() { Square s; return s.area(); }

// Function pointers and std::function.
[[kara::pure]] int fp(int (*f)(int)) { return f(1); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'fp' has effects its kara annotations cannot cover: it calls code whose effects are unknown; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:47: note: a call through a function pointer has unknown effects
[[kara::pure]] int sf(const std::function<int(int)> &f) { return f(1); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'sf' has effects its kara annotations cannot cover: it calls code whose effects are unknown; declared {reads(f)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:66: note: calls 'std::function::operator()', which has unknown effects
// CHECK-MESSAGES: std_function.h:{{[0-9]+}}:{{[0-9]+}}: note: 'std::function::operator()' has unknown effects according to the effects database <builtin std.json>
