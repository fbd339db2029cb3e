// RUN: %check_kara_tidy %s kara-annotation %t -- -- -std=c++20
// kara-annotation: a misspelt kara attribute name, which the compiler only
// calls an unknown attribute, gets the nearest kara attribute as a fix.

#include <kara/annotations.hpp>

[[kara::raeds(DB)]] int misspelt_reads();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: unknown kara attribute 'kara::raeds'; did you mean 'kara::reads'? [kara-annotation]
// CHECK-FIXES: {{^}}{{\[\[}}kara::reads(DB)]] int misspelt_reads();

[[nodiscard, kara::writs(DB)]] int in_a_list();
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: unknown kara attribute 'kara::writs'; did you mean 'kara::writes'? [kara-annotation]
// CHECK-FIXES: {{^}}{{\[\[}}nodiscard, kara::writes(DB)]] int in_a_list();

[[kara::Pure]] int capitalised();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: unknown kara attribute 'kara::Pure'; did you mean 'kara::pure'? [kara-annotation]

[[kara::frobnicate]] int far_from_any();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: unknown kara attribute 'kara::frobnicate' (the kara attributes are reads, writes, pure and sendable); it is ignored [kara-annotation]

#define MY_READS(x) [[kara::reds(x)]]
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: unknown kara attribute 'kara::reds'; did you mean 'kara::reads'? [kara-annotation]

// Correct names, argument tokens and other namespaces are left alone.
[[kara::reads(kara::raeds)]] int argument_not_a_name();
[[gnu::raeds]] int other_namespace();
[[kara::reads(A), kara::writes(B)]] int fine();
