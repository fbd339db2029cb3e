// RUN: %check_kara_tidy %s kara-suggest-effects %t -- --config="{CheckOptions: {kara-suggest-effects.FunctionFilter: '.*'}}" -- -I%S/Inputs
// Off until FunctionFilter chooses functions:
// RUN: %check_kara_tidy -check-suffix=OFF %s kara-suggest-effects %t -- -- -I%S/Inputs
// The header declarations are annotated (HeaderFilter), and what is written
// is accepted by kara-effect-contract on the fixed code:
// RUN: rm -rf %t.dir && mkdir -p %t.dir && cp %S/Inputs/suggest-effects.h %t.dir/ && cp %s %t.dir/main.cpp
// RUN: %kara_tidy --checks=-*,kara-suggest-effects --config="{CheckOptions: {kara-suggest-effects.FunctionFilter: '^geo::', kara-suggest-effects.HeadersOnly: true}}" --header-filter='suggest-effects\.h' --fix %t.dir/main.cpp -- -std=c++20 -I%kara_include -I%t.dir 2>&1 | FileCheck %s --check-prefix=HEADER
// RUN: FileCheck %s --check-prefix=FIXED-HEADER < %t.dir/suggest-effects.h
// RUN: %kara_tidy --checks=-*,kara-effect-contract,kara-annotation --warnings-as-errors='*' %t.dir/main.cpp -- -std=c++20 -I%kara_include -I%t.dir 2>&1 | FileCheck %s --allow-empty --check-prefix=ACCEPTED
// RUN: %kara_tidy --checks=-*,kara-suggest-effects --config="{CheckOptions: {kara-suggest-effects.FunctionFilter: '.*'}}" --fix %t.dir/main.cpp -- -std=c++20 -I%kara_include -I%t.dir
// RUN: %kara_tidy --checks=-*,kara-effect-contract,kara-annotation --warnings-as-errors='*' %t.dir/main.cpp -- -std=c++20 -I%kara_include -I%t.dir 2>&1 | FileCheck %s --allow-empty --check-prefix=ACCEPTED
// Skipped functions say why with ExplainSkipped:
// RUN: %kara_tidy --checks=-*,kara-suggest-effects --config="{CheckOptions: {kara-suggest-effects.FunctionFilter: 'unknown_callee|anon', kara-suggest-effects.ExplainSkipped: true}}" %s -- -std=c++20 -I%kara_include -I%S/Inputs 2>&1 | FileCheck %s --check-prefix=EXPLAIN
// CHECK-MESSAGES-OFF-NOT: warning

#include "suggest-effects.h"

#include <kara/annotations.hpp>

namespace geo {
int Scale = 2;
int area(int w, int h) { return w * h * Scale; }
void fill(int &out) { out = Scale; }
int peek(int &out) { return out; }
} // namespace geo
// HEADER-DAG: suggest-effects.h:4:5: warning: 'area' can be annotated with its inferred effects: {{\[\[}}kara::reads(geo::Scale){{\]\]}} [kara-suggest-effects]
// HEADER-DAG: suggest-effects.h:5:6: warning: 'fill' can be annotated with its inferred effects: {{\[\[}}kara::reads(geo::Scale){{\]\]}} [kara-suggest-effects]
// HEADER-DAG: suggest-effects.h:6:5: warning: 'peek' can be annotated with its inferred effects: {{\[\[}}kara::reads(out){{\]\]}} [kara-suggest-effects]
// FIXED-HEADER: {{^}}{{\[\[}}kara::reads(geo::Scale){{\]\]}} int area(int w, int h);
// FIXED-HEADER: {{^}}{{\[\[}}kara::reads(geo::Scale){{\]\]}} void fill(int &out);
// FIXED-HEADER: {{^}}{{\[\[}}kara::reads(out){{\]\]}} int peek(int &out);
// ACCEPTED-NOT: warning

int Log = 0;
int total = 0;

int bump() { return ++Log; }
// CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'bump' can be annotated with its inferred effects: {{\[\[}}kara::writes(Log){{\]\]}} [kara-suggest-effects]
// CHECK-FIXES: {{^}}{{\[\[}}kara::writes(Log){{\]\]}} int bump() { return ++Log; }

static int square(int v) { return v * v; }
// CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'square' can be annotated with its inferred effects: {{\[\[}}kara::pure{{\]\]}} [kara-suggest-effects]
// CHECK-FIXES: {{^}}{{\[\[}}kara::pure{{\]\]}} static int square(int v) { return v * v; }

// A resource spelt like a parameter keeps a leading `::`.
int shadow(int total) { return total + ::total + bump(); }
// CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'shadow' can be annotated with its inferred effects: {{\[\[}}kara::reads(::total), kara::writes(Log){{\]\]}} [kara-suggest-effects]
// CHECK-FIXES: {{^}}{{\[\[}}kara::reads(::total), kara::writes(Log){{\]\]}} int shadow(int total) { return total + ::total + bump(); }

struct Counter {
  int n = 0;
  int get() const { return n + Log; }
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'get' can be annotated with its inferred effects: {{\[\[}}kara::reads(Log){{\]\]}} [kara-suggest-effects]
  // CHECK-FIXES: {{^}}  {{\[\[}}kara::reads(Log){{\]\]}} int get() const { return n + Log; }
  int peek() { return n; }
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'peek' can be annotated with its inferred effects: {{\[\[}}kara::reads(this){{\]\]}} [kara-suggest-effects]
  // CHECK-FIXES: {{^}}  {{\[\[}}kara::reads(this){{\]\]}} int peek() { return n; }
  void add(int v);
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'add' can be annotated with its inferred effects: {{\[\[}}kara::pure{{\]\]}} [kara-suggest-effects]
  // CHECK-FIXES: {{^}}  {{\[\[}}kara::pure{{\]\]}} void add(int v);
  virtual int size() const { return n; }
  friend int twice(const Counter &c) { return 2 * c.n; }
};
void Counter::add(int v) { n += v; }

// Skipped: annotated, unknown, templates, lambdas, main.
[[kara::reads(Log)]] int annotated() { return Log; }
void elsewhere();
void unknown_callee() { elsewhere(); }
// EXPLAIN: :[[@LINE-1]]:6: remark: no kara annotation is suggested for 'unknown_callee': its effects are unknown [kara-suggest-effects]
namespace {
int hidden = 0;
}
int anon() { return hidden; }
// EXPLAIN: :[[@LINE-1]]:5: remark: no kara annotation is suggested for 'anon': it touches '(anonymous)::hidden', which no annotation can name [kara-suggest-effects]
template <typename T> T id(T v) { return v; }
int use_template() { return id(1) + [] { return 2; }(); }
// CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'use_template' can be annotated with its inferred effects: {{\[\[}}kara::pure{{\]\]}} [kara-suggest-effects]
// CHECK-FIXES: {{^}}{{\[\[}}kara::pure{{\]\]}} int use_template() { return id(1) + [] { return 2; }(); }
int main() { return bump() + square(2) + shadow(1) + annotated(); }
