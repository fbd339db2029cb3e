// RUN: %check_kara_tidy %s kara-effect-contract,kara-annotation %t
// The NOLINT comment family (same line, next line, begin-end regions)
// suppresses kara diagnostics like
// any clang-tidy diagnostic; a NOLINT naming another check does not.

#include <kara/annotations.hpp>

[[kara::writes(Log)]] void log_line(int v);

[[kara::pure]] int a(int v) { log_line(v); return v; } // NOLINT
[[kara::pure]] int b(int v) { log_line(v); return v; } // NOLINT(kara-effect-contract)
[[kara::pure]] int c(int v) { log_line(v); return v; } // NOLINT(kara-*)

// NOLINTNEXTLINE(kara-effect-contract)
[[kara::pure]] int d(int v) { log_line(v); return v; }

// NOLINTBEGIN(kara-*)
[[kara::pure]] int e(int v) { log_line(v); return v; }
[[kara::reads()]] int f();
// NOLINTEND(kara-*)

// Suppressing another check suppresses nothing here.
[[kara::pure]] int g(int v) { log_line(v); return v; } // NOLINT(kara-annotation)
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'g' writes(Log), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:31: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :[[@LINE-18]]:28: note: 'log_line' is declared writes(Log) here

// NOLINTNEXTLINE(kara-effect-contract)
[[kara::reads()]] int h();
// CHECK-MESSAGES: :[[@LINE-1]]:9: warning: malformed {{\[\[}}kara::reads{{\]\]}}: empty resource list; name at least one resource, or use {{\[\[}}kara::pure{{\]\]}} [kara-annotation]
