// RUN: %check_kara_tidy %s kara-effect-contract %t
// SPEC §2: every redeclaration may add effects; the effects of all
// declarations unite. A project annotates a third-party function by
// redeclaring it.

#include <kara/annotations.hpp>

// "Third-party" declarations, without annotations.
void legacy_write(int v);
int legacy_read();

// The project's redeclarations add the effects.
[[kara::writes(Legacy)]] void legacy_write(int v);
[[kara::reads(Legacy)]] int legacy_read();

[[kara::pure]] int p1() { return legacy_read(); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'p1' reads(Legacy), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:34: note: calls 'legacy_read', which reads(Legacy)
// CHECK-MESSAGES: :[[@LINE-5]]:29: note: 'legacy_read' is declared reads(Legacy) here

[[kara::reads(Legacy)]] int p2() { legacy_write(1); return legacy_read(); }
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'p2' writes(Legacy), which its kara annotations do not declare; declared {reads(Legacy)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:36: note: calls 'legacy_write', which writes(Legacy)
// CHECK-MESSAGES: :[[@LINE-11]]:31: note: 'legacy_write' is declared writes(Legacy) here

[[kara::reads(A)]] int a();
[[kara::reads(B)]] int b();

// Two declarations each add one resource; the definition has none.
[[kara::reads(A)]] int two();
[[kara::reads(B)]] int two();
int two() { return a() + b(); }

// The annotation on an earlier declaration is the contract of the definition;
// the report is at the definition and points back to the annotation.
[[kara::reads(A)]] int three();
int three() { return a() + b(); }
// CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'three' reads(B), which its kara annotations do not declare; declared {reads(A)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:28: note: calls 'b', which reads(B)
// CHECK-MESSAGES: :[[@LINE-13]]:24: note: 'b' is declared reads(B) here
// CHECK-MESSAGES: :[[@LINE-5]]:24: note: effects declared here

// A later redeclaration, after the definition, still adds.
int four() { return a() + b(); }
[[kara::reads(A, B)]] int four();

// Redeclarations of a member function outside its class.
struct Store {
  [[kara::reads(this)]] int get() const;
  int put(int v);
  int value = 0;
};
int Store::get() const { return value; }
[[kara::writes(this)]] int Store::put(int v) { return value = v; }
