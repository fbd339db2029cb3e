// RUN: %check_kara_tidy -expect-exit=1 %s kara-annotation,kara-effect-contract %t
// Attributes the compiler cannot parse are the compiler's errors; the kara
// checks still run on what was parsed and never crash.

#include <kara/annotations.hpp>

[[kara::writes(ouput)]] void fill(int &output);
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: in {{\[\[}}kara::writes{{\]\]}}: 'ouput' is not a parameter of 'fill'; did you mean 'output'? (a name that is not a parameter is a global resource) [kara-annotation]

#define READS_OPEN(x) [[kara::reads(x]]
READS_OPEN(DB)) int f();
// CHECK-MESSAGES: :[[@LINE-1]]:15: error: expected unqualified-id [clang-diagnostic-error]

[[kara::reads(DB, [)]] int g();
// CHECK-MESSAGES: :[[@LINE-1]]:23: error: expected ']' [clang-diagnostic-error]
// CHECK-MESSAGES: error: expected external declaration [clang-diagnostic-error]
