// RUN: %check_kara_tidy %s kara-effect-contract %t
// Effects are inferred transitively through calls, recursion and mutual
// recursion included (a fixpoint over each group of recursive functions).

#include <kara/annotations.hpp>

[[kara::writes(Log)]] void log_line(int v);
[[kara::reads(Config)]] int config();

// Self-recursion without effects.
int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
[[kara::pure]] int use_fact(int n) { return fact(n); }

// Self-recursion that reaches an effect on one path.
int rec_log(int n) {
  if (n == 0) {
    log_line(n);
    return 0;
  }
  return rec_log(n - 1);
}
[[kara::pure]] int use_rec_log(int n) { return rec_log(n); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'use_rec_log' writes(Log), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:48: note: calls 'rec_log', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-8]]:5: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-19]]:28: note: 'log_line' is declared writes(Log) here

// Mutual recursion: the effects of both functions reach each other.
int is_odd(int n);
int is_even(int n) { return n == 0 ? config() : is_odd(n - 1); }
int is_odd(int n) {
  if (n == 0) {
    log_line(n);
    return 0;
  }
  return is_even(n - 1);
}
[[kara::reads(Config)]] int use_even(int n) { return is_even(n); }
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'use_even' writes(Log), which its kara annotations do not declare; declared {reads(Config)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:54: note: calls 'is_even', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-11]]:49: note: calls 'is_odd', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-9]]:5: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-36]]:28: note: 'log_line' is declared writes(Log) here
[[kara::writes(Log)]] int use_odd(int n) { return is_odd(n); }
// CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'use_odd' reads(Config), which its kara annotations do not declare; declared {writes(Log)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:51: note: calls 'is_odd', which reads(Config)
// CHECK-MESSAGES: :[[@LINE-11]]:10: note: calls 'is_even', which reads(Config)
// CHECK-MESSAGES: :[[@LINE-18]]:38: note: calls 'config', which reads(Config)
// CHECK-MESSAGES: :{{[0-9]+}}:29: note: 'config' is declared reads(Config) here
[[kara::writes(Log), kara::reads(Config)]] int use_both(int n) { return is_even(n) + is_odd(n); }

// A three-function cycle.
int c1(int n);
int c3(int n) { return n ? c1(n - 1) : 0; }
int c2(int n) { return n ? c3(n - 1) : 0; }
int c1(int n) { static int depth = 0; ++depth; return n ? c2(n - 1) : depth; }
[[kara::writes(c1::depth)]] int use_cycle(int n) { return c3(n); }
[[kara::pure]] int use_cycle_bad(int n) { return c2(n); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'use_cycle_bad' writes(c1::depth), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:50: note: calls 'c2', which writes(c1::depth)
// CHECK-MESSAGES: :[[@LINE-6]]:28: note: calls 'c3', which writes(c1::depth)
// CHECK-MESSAGES: :[[@LINE-8]]:28: note: calls 'c1', which writes(c1::depth)
// CHECK-MESSAGES: :[[@LINE-7]]:41: note: writes c1::depth here

// An annotated recursive function is checked against its own contract.
[[kara::reads(Config)]] int self(int n) { return n ? self(n - 1) : config(); }
[[kara::reads(Config)]] int self_bad(int n) {
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'self_bad' writes(Log), which its kara annotations do not declare; declared {reads(Config)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE+2]]:5: note: calls 'log_line', which writes(Log)
  if (n)
    log_line(n);
  return n ? self_bad(n - 1) : config();
}
// CHECK-MESSAGES: :[[@LINE-67]]:28: note: 'log_line' is declared writes(Log) here

// Parameter effects map through recursive calls.
int walk(int *p, int n) { if (n == 0) return 0; *p = n; return walk(p, n - 1); }
[[kara::pure]] int use_walk(int n) { int x = 0; return walk(&x, n); }
int g;
[[kara::pure]] int use_walk_g(int n) { return walk(&g, n); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'use_walk_g' writes(g), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:47: note: calls 'walk', which writes(p)
// CHECK-MESSAGES: :[[@LINE-6]]:49: note: writes parameter 'p' here
