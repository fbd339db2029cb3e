// RUN: %check_kara_tidy %s kara-effect-contract %t
// Templates are analysed per instantiation: an annotated template is checked
// in every instantiation; a template pattern itself is never reported.

#include <kara/annotations.hpp>

[[kara::writes(Log)]] void log_line(int v);

struct Quiet { static int get() { return 1; } };
struct Loud { static int get() { log_line(1); return 2; } };

template <typename T> [[kara::pure]] int fetch() { return T::get(); }
// CHECK-MESSAGES: :[[@LINE-1]]:42: warning: 'fetch<Loud>' writes(Log), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:59: note: calls 'Loud::get', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-5]]:34: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-9]]:28: note: 'log_line' is declared writes(Log) here
int i1 = fetch<Quiet>();
int i2 = fetch<Loud>();

// An unannotated template called from an annotated function: inferred from
// the instantiation that is called.
template <typename T> int apply(T t) { return t.get(); }
[[kara::pure]] int use_quiet() { return apply(Quiet{}); }
[[kara::pure]] int use_loud() { return apply(Loud{}); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'use_loud' writes(Log), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:40: note: calls 'apply', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-5]]:47: note: calls 'Loud::get', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-18]]:34: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-22]]:28: note: 'log_line' is declared writes(Log) here

// Members of class templates.
template <typename T> struct Box {
  T value;
  [[kara::reads(this)]] T get() const { return value; }
  [[kara::reads(this)]] T bad() const { log_line(0); return value; }
  // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'bad' writes(Log), which its kara annotations do not declare; declared {reads(this)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-2]]:41: note: calls 'log_line', which writes(Log)
  // CHECK-MESSAGES: :[[@LINE-31]]:28: note: 'log_line' is declared writes(Log) here
  [[kara::writes(this)]] void set(T v) { value = v; }
};
int i3 = Box<int>{}.get();
int i4 = Box<int>{}.bad();
void i5() { Box<long> b; b.set(1); }

// Not instantiated: nothing to check.
template <typename T> [[kara::pure]] int never_instantiated() { return T::anything(); }

// Generic lambdas and function templates with deduced arguments.
template <typename F> [[kara::pure]] int call(F f) { return f(); }
int i7 = call([] { return 1; });
int i8 = call([] { log_line(2); return 2; });
// CHECK-MESSAGES: :[[@LINE-3]]:42: warning: 'call<(lambda at {{.*}})>' writes(Log), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-4]]:61: note: calls '(lambda)::operator()', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-3]]:20: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-48]]:28: note: 'log_line' is declared writes(Log) here
