// kara-effects prints every function's summary: where it comes from and,
// per effect, the first reason.
// RUN: %kara_effects %s -- -std=c++20 -I%kara_include | FileCheck %s --check-prefix=TEXT
// RUN: %kara_effects --format=json %s -- -std=c++20 -I%kara_include | FileCheck %s --check-prefix=JSON
// RUN: %kara_effects --format=json %s -- -std=c++20 -I%kara_include | %python -c "import json,sys; d=json.load(sys.stdin); assert [f['function'] for f in d] == ['bump', 'report', 'config', 'calls_unknown', 'S::get', 'legacy'], d"
// RUN: not %kara_effects --format=xml %s -- -std=c++20 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: %kara_effects --effects-db=%S/Inputs/log-effects.json %s -- -std=c++20 -I%kara_include | FileCheck %s --check-prefix=DB

#include <kara/annotations.hpp>
#include <cstdio>

[[kara::writes(Log)]] void log_line(int v);
int counter;
int legacy_call(int);

int bump() { return ++counter; }
// TEXT: kara-effects.cpp:[[@LINE-1]]:5: bump [inferred] {writes(counter)}
// TEXT-NEXT: writes(counter): writes counter at kara-effects.cpp:[[@LINE-2]]:23

void report(int v) { log_line(bump()); std::printf("%d", v); }
// TEXT: kara-effects.cpp:[[@LINE-1]]:6: report [inferred] {writes(Log), writes(counter), writes(kara::io)}
// TEXT-NEXT: writes(Log): calls 'log_line' at kara-effects.cpp:[[@LINE-2]]:22, which writes(Log)
// TEXT-NEXT: writes(counter): calls 'bump' at kara-effects.cpp:[[@LINE-3]]:31, which writes(counter)
// TEXT-NEXT: writes(kara::io): calls 'printf' at kara-effects.cpp:[[@LINE-4]]:40, which writes(kara::io)

[[kara::reads(Config)]] int config() { return 1; }
// TEXT: kara-effects.cpp:[[@LINE-1]]:29: config [declared] {reads(Config)}
// TEXT-NEXT: reads(Config): declared by the kara annotations of 'config'

void unknown_fn();
void calls_unknown() { unknown_fn(); }
// TEXT: kara-effects.cpp:[[@LINE-1]]:6: calls_unknown [inferred] {unknown}
// TEXT-NEXT: unknown: calls 'unknown_fn' at kara-effects.cpp:[[@LINE-2]]:24, which has unknown effects

struct S { int v; int get() const { return v; } };
// TEXT: kara-effects.cpp:[[@LINE-1]]:23: S::get [inferred] {reads(this.v)}
// TEXT-NEXT: reads(this.v): reads this.v at kara-effects.cpp:[[@LINE-2]]:44

int legacy(int v) { return legacy_call(v); }
// TEXT: kara-effects.cpp:[[@LINE-1]]:5: legacy [inferred] {unknown}
// DB: kara-effects.cpp:[[@LINE-2]]:5: legacy [inferred] {writes(Legacy)}
// DB-NEXT: writes(Legacy): calls 'legacy_call' at kara-effects.cpp:[[@LINE-3]]:28, which writes(Legacy)

// JSON: "function": "bump",
// JSON-NEXT: "location": "kara-effects.cpp:16:5",
// JSON-NEXT: "source": "inferred"
// JSON: "effect": "writes(Log)",
// JSON-NEXT: "why": "calls 'log_line' at kara-effects.cpp:20:22, which writes(Log)"
// JSON: "function": "report",

// FORMAT: kara-effects: --format must be 'text' or 'json'
