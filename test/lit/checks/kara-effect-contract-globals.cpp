// RUN: %check_kara_tidy %s kara-effect-contract %t
// A global or static variable accessed directly is a resource named by its
// qualified name (SPEC §2). Immutable const globals are no effect.

#include <kara/annotations.hpp>

int counter;
namespace stats { int total; namespace { int hidden; } }
struct S { static int instances; };
const int limit = 10;
constexpr int table[] = {1, 2, 3};
struct Point { int x, y; };
const Point origin{0, 0};
struct WithMutable { mutable int cache; };
const WithMutable shared_cache{0};

[[kara::pure]] int reads_counter() { return counter; }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'reads_counter' reads(counter), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:45: note: reads counter here
[[kara::reads(counter)]] int reads_ok() { return counter; }
[[kara::reads(counter)]] int writes_counter() { return ++counter; }
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: 'writes_counter' writes(counter), which its kara annotations do not declare; declared {reads(counter)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:58: note: writes counter here
[[kara::writes(counter)]] void assigns() { counter = 3; }

// Namespaces are part of the name; a namespace covers its variables.
[[kara::reads(stats)]] int reads_ns() { return stats::total + stats::hidden; }
[[kara::reads(stats::total)]] int reads_sibling() { return stats::hidden; }
// CHECK-MESSAGES: :[[@LINE-1]]:35: warning: 'reads_sibling' reads(stats::(anonymous)::hidden), which its kara annotations do not declare; declared {reads(stats::total)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:60: note: reads stats::(anonymous)::hidden here

// Static data members.
[[kara::pure]] int instances() { return S::instances; }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'instances' reads(S::instances), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:41: note: reads S::instances here
[[kara::writes(S::instances)]] void count_instance() { ++S::instances; }

// Static locals are resources named after their function.
[[kara::pure]] int next_id() { static int calls = 0; return ++calls; }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'next_id' writes(next_id::calls), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:63: note: writes next_id::calls here
[[kara::writes(next_id2::calls)]] int next_id2() { static int calls = 0; return ++calls; }

// Immutable globals and constant static locals are no effect; a const object
// with a mutable member is not immutable.
[[kara::pure]] int constants(int i) {
  static const int base = 4;
  return limit + table[i] + origin.x + base;
}
[[kara::pure]] int mutable_member() { return shared_cache.cache; }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'mutable_member' reads(shared_cache), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:59: note: reads shared_cache here

// A global is one resource: its members are not told apart.
Point cursor;
[[kara::writes(cursor)]] void move_cursor() { cursor.x = 1; cursor.y = 2; }
[[kara::reads(cursor)]] void move_cursor_bad() { cursor.x = 1; }
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: 'move_cursor_bad' writes(cursor), which its kara annotations do not declare; declared {reads(cursor)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:57: note: writes cursor here

// Bit-fields and unions stand for the whole object.
struct Flags { unsigned a : 1; unsigned b : 1; };
union Number { int i; float f; };
Flags flags;
Number number;
[[kara::reads(flags)]] void set_flag() { flags.a = 1; }
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'set_flag' writes(flags), which its kara annotations do not declare; declared {reads(flags)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:48: note: writes flags here
[[kara::reads(number)]] void set_number() { number.f = 1.0f; }
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: 'set_number' writes(number), which its kara annotations do not declare; declared {reads(number)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:52: note: writes number here
