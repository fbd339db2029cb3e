// RUN: %check_kara_tidy %s kara-annotation %t
// kara-annotation: malformed kara attributes get a clear diagnostic (and,
// for a misspelt parameter, a fix), never a crash.

#include <kara/annotations.hpp>

struct Item { int v; };

// A name one edit away from a parameter is probably that parameter.
[[kara::writes(ouput)]] void fill(Item &output);
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: in {{\[\[}}kara::writes{{\]\]}}: 'ouput' is not a parameter of 'fill'; did you mean 'output'? (a name that is not a parameter is a global resource) [kara-annotation]
// CHECK-FIXES: {{^}}{{\[\[}}kara::writes(output){{\]\]}} void fill(Item &output);{{$}}
[[kara::reads(DB, cout)]] int tally(int count);
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: in {{\[\[}}kara::reads{{\]\]}}: 'cout' is not a parameter of 'tally'; did you mean 'count'? (a name that is not a parameter is a global resource) [kara-annotation]
// CHECK-FIXES: {{^}}{{\[\[}}kara::reads(DB, count){{\]\]}} int tally(int count);{{$}}

// A name that is a visible variable is the global it names, even when it is
// one edit away from a parameter: no suggestion (test/fuzz finding 04).
int g1 = 0;
namespace db { int b2 = 0; }
[[kara::writes(g1)]] int bump(int a0, int b1);
namespace db {
[[kara::reads(b2)]] int peek(int b1);
}

// `this` outside a non-static member function.
[[kara::reads(this)]] int free_fn();
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: in {{\[\[}}kara::reads{{\]\]}}: 'this' is only meaningful on a non-static member function [kara-annotation]
struct S {
  [[kara::reads(this)]] static int st();
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: in {{\[\[}}kara::reads{{\]\]}}: 'this' names no object in a static member function [kara-annotation]
  // Accepted: constructors and member functions may name `this`.
  [[kara::writes(this)]] S();
  [[kara::reads(this)]] int ok() const;
  [[kara::writes(this, cache)]] void m(int cache);
};

// Empty lists and empty arguments.
[[kara::reads()]] int empty_parens();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: malformed {{\[\[}}kara::reads{{\]\]}}: empty resource list; name at least one resource, or use {{\[\[}}kara::pure{{\]\]}} [kara-annotation]
[[kara::writes]] int no_parens();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: malformed {{\[\[}}kara::writes{{\]\]}}: empty resource list; name at least one resource, or use {{\[\[}}kara::pure{{\]\]}} [kara-annotation]
[[kara::writes(A, , B)]] int empty_arg();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: malformed {{\[\[}}kara::writes{{\]\]}}: empty argument in the resource list [kara-annotation]
[[kara::reads(A,)]] int trailing_comma();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: malformed {{\[\[}}kara::reads{{\]\]}}: empty argument in the resource list [kara-annotation]

// Arguments that are no resource path, `this` or parameter name.
[[kara::reads(1 + 2)]] int expression();
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: in {{\[\[}}kara::reads{{\]\]}}: '1+2' is not a resource path, 'this' or a parameter name [kara-annotation]
[[kara::reads(DB::)]] int dangling_scope();
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: in {{\[\[}}kara::reads{{\]\]}}: 'DB::' is not a resource path, 'this' or a parameter name [kara-annotation]
[[kara::writes(a[1])]] int subscript(int a);
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: in {{\[\[}}kara::writes{{\]\]}}: 'a[1]' is not a resource path, 'this' or a parameter name [kara-annotation]
[[kara::writes(A B)]] int two_words();
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: in {{\[\[}}kara::writes{{\]\]}}: 'A B' is not a resource path, 'this' or a parameter name [kara-annotation]
[[kara::writes("DB")]] int string_literal();
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: in {{\[\[}}kara::writes{{\]\]}}: '"DB"' is not a resource path, 'this' or a parameter name [kara-annotation]
[[kara::writes(A, (B, C))]] int nested();
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: in {{\[\[}}kara::writes{{\]\]}}: '(B,C)' is not a resource path, 'this' or a parameter name [kara-annotation]

// Unbalanced tokens.
[[kara::reads((DB)]] int unbalanced();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: malformed {{\[\[}}kara::reads{{\]\]}}: unbalanced parentheses in the argument list [kara-annotation]
int after_unbalanced();

// [[kara::pure]] takes no arguments and contradicts reads/writes.
[[kara::pure(X)]] int pure_args();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: malformed {{\[\[}}kara::pure{{\]\]}}: kara::pure takes no arguments [kara-annotation]
[[kara::pure, kara::reads(DB)]] int contradiction();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: {{\[\[}}kara::pure{{\]\]}} contradicts {{\[\[}}kara::reads{{\]\]}} on the same declaration [kara-annotation]
// CHECK-MESSAGES: :[[@LINE-2]]:21: note: kara::reads is here

// Accepted: nothing below may be reported.
[[kara::reads(DB::Users, Orders)]] int fine(int count);
[[kara::reads(::count)]] int global_scope(int count);
[[kara::writes(count)]] int param(int &count);
[[kara::writes(x)]] int short_names(int y);
[[kara::reads(UserDB)]] [[kara::writes(OrderDB)]] int several();
[[kara::pure]] int pure_fn(int a);
template <typename T> [[kara::reads(this_thing)]] T generic(T this_thing);
int use_generic = generic(1);
