// RUN: %check_kara_tidy %s kara-effect-contract %t
// Parameters (SPEC §2): a parameter's name names the object the argument
// refers to; effects implied by parameter types need no annotation (non-const
// reference or pointer: written; const reference or pointer: read); naming a
// parameter in an annotation makes the annotation exact for it.

#include <kara/annotations.hpp>

struct Item { int v = 0; int w = 0; };

void set(Item &it, int v) { it.v = v; }
int get(const Item &it) { return it.v; }

// Type-implied: a non-const reference may be written, a const one read.
[[kara::pure]] void fill(Item &out) { set(out, 1); }
[[kara::pure]] int peek(const Item &in) { return get(in) + in.w; }
[[kara::pure]] void fill_ptr(Item *out) { out->v = 1; set(*out, 2); }
[[kara::pure]] int by_value(Item copy) { set(copy, 3); return copy.v; }

// Named explicitly: the annotation is exact. `reads(out)` forbids writing
// through `out` even though its type would allow it.
[[kara::reads(out)]] int strict(Item &out) { set(out, 1); return out.v; }
// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'strict' writes(out.v), which its kara annotations do not declare; declared {reads(out)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:46: note: calls 'set', which writes(it.v)
// CHECK-MESSAGES: :[[@LINE-14]]:32: note: writes parameter 'it.v' here
[[kara::reads(out)]] int strict_ok(Item &out) { return get(out) + out.w; }
[[kara::writes(out)]] void named(Item &out, const Item &in) { out.v = get(in); }

// The callee's parameter effect maps onto the caller's argument: writing a
// global through a reference parameter is a write of that global.
Item global_item;
[[kara::pure]] void writes_global() { set(global_item, 1); }
// CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'writes_global' writes(global_item), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:39: note: calls 'set', which writes(it.v)
// CHECK-MESSAGES: :[[@LINE-24]]:32: note: writes parameter 'it.v' here
[[kara::reads(global_item)]] int reads_global() { return get(global_item); }
[[kara::writes(global_item)]] void writes_global_ok() { set(global_item, 2); }

// A declared callee: its type-implied parameter effects map as well.
[[kara::pure]] void reset(Item &it);
[[kara::reads(global_item)]] void resets_global() { reset(global_item); }
// CHECK-MESSAGES: :[[@LINE-1]]:35: warning: 'resets_global' writes(global_item), which its kara annotations do not declare; declared {reads(global_item)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:53: note: calls 'reset', which writes(it)
// CHECK-MESSAGES: :[[@LINE-4]]:21: note: 'reset' writes(it) because of the parameter's type (a reference or pointer to non-const data is written)

// Forwarding a parameter: the effect lands on the caller's parameter.
[[kara::reads(dst)]] void forward(Item &dst) { fill(dst); }
// CHECK-MESSAGES: :[[@LINE-1]]:27: warning: 'forward' writes(dst), which its kara annotations do not declare; declared {reads(dst)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:48: note: calls 'fill', which writes(out)
// CHECK-MESSAGES: :[[@LINE-35]]:21: note: 'fill' writes(out) because of the parameter's type (a reference or pointer to non-const data is written)

// Locals passed by reference stay private.
[[kara::pure]] int local_ref() { Item it; set(it, 4); reset(it); return get(it); }

// A pointer or reference to a function designates no data: calling through a
// callback parameter is unknown, but passing one is no write of anything
// (reading the global pointer variable is a read of that global).
[[kara::reads(Config)]] int with_callback(int (*cb)(int));
int (*global_cb)(int);
[[kara::reads(Config, global_cb)]] int passes_callback() { return with_callback(global_cb); }
