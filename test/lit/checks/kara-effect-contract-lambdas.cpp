// RUN: %check_kara_tidy %s kara-effect-contract %t
// Lambdas: the body runs when the closure is called; by-reference captures
// are the enclosing function's variables, by-copy captures belong to the
// closure object.

#include <kara/annotations.hpp>

[[kara::writes(Log)]] void log_line(int v);
int counter;

[[kara::pure]] int no_capture() { auto f = [] { return 1; }; return f(); }

// A closure that is called carries its body's effects to the caller.
[[kara::pure]] int calls_logger() { auto f = [] { log_line(1); }; f(); return 0; }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'calls_logger' writes(Log), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:67: note: calls 'calls_logger::(lambda)::operator()', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-3]]:51: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-10]]:28: note: 'log_line' is declared writes(Log) here

// Creating a closure without calling it has no effect.
[[kara::pure]] int never_called() { auto f = [] { log_line(1); }; (void)f; return 0; }

// By-reference capture of a local: still the function's own local.
[[kara::pure]] int by_ref_local() { int x = 0; auto f = [&x] { ++x; }; f(); return x; }
[[kara::pure]] int by_ref_all() { int x = 0; auto f = [&] { x += 2; }; f(); return x; }
// By-copy capture: the closure's own copy.
[[kara::pure]] int by_copy() { int x = 0; auto f = [x]() mutable { return ++x; }; return f(); }

// By-reference capture of a reference parameter is the caller's object: it
// maps back onto the parameter (no longer `unknown`).
[[kara::pure]] void ref_param(int &out) { auto f = [&out] { out = 1; }; f(); }
[[kara::pure]] void ref_param_all(int &out) { auto f = [&] { out += 1; }; f(); }
[[kara::reads(out)]] void ref_param_strict(int &out) { auto f = [&out] { out = 1; }; f(); }
// CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'ref_param_strict' writes(out), which its kara annotations do not declare; declared {reads(out)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:86: note: calls 'ref_param_strict::(lambda)::operator()', which writes(out)
// CHECK-MESSAGES: :[[@LINE-3]]:74: note: writes local 'out' here
int global_value;
[[kara::pure]] void writes_global_through_lambda() { ref_param(global_value); }
// CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'writes_global_through_lambda' writes(global_value), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:54: note: calls 'ref_param', which writes(out)
// CHECK-MESSAGES: :[[@LINE-10]]:21: note: 'ref_param' writes(out) because of the parameter's type (a reference or pointer to non-const data is written)

// Globals used inside a lambda are resources.
[[kara::pure]] int global_in_lambda() { auto f = [] { return ++counter; }; return f(); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'global_in_lambda' writes(counter), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:83: note: calls 'global_in_lambda::(lambda)::operator()', which writes(counter)
// CHECK-MESSAGES: :[[@LINE-3]]:64: note: writes counter here
[[kara::writes(counter)]] int global_in_lambda_ok() { auto f = [] { return ++counter; }; return f(); }
