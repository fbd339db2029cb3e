// RUN: %check_kara_tidy %s kara-effect-contract %t
// Member functions and `this` (SPEC §2): `this` names the object a member
// function runs on; accesses to members are accesses to `this.member`;
// calls on other objects map `this` onto that object.

#include <kara/annotations.hpp>

struct Cache {
  int hits = 0;
  int size = 0;

  [[kara::reads(this)]] int get() const { return hits; }

  // `reads(this)` names `this` explicitly: the annotation is exact for it,
  // even on a non-const member function.
  [[kara::reads(this)]] int bad_get() { return ++hits; }
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'bad_get' writes(this.hits), which its kara annotations do not declare; declared {reads(this)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-2]]:50: note: writes this.hits here

  [[kara::writes(this)]] void put(int v) { size = v; ++hits; }

  // Without `this` in the annotation, a const member function reads `this`
  // and a non-const one writes it.
  [[kara::pure]] int pure_const() const { return size + hits; }
  [[kara::pure]] void pure_nonconst(int v) { size = v; }
  [[kara::reads(Elsewhere)]] void reset() { size = 0; hits = 0; }

  void plain_write() { ++hits; }
  int plain_read() const { return hits; }

  [[kara::reads(this)]] int via_call() { plain_write(); return 0; }
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'via_call' writes(this.hits), which its kara annotations do not declare; declared {reads(this)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-2]]:42: note: calls 'Cache::plain_write', which writes(this.hits)
  // CHECK-MESSAGES: :[[@LINE-6]]:26: note: writes this.hits here

  [[kara::reads(this)]] int via_read() const { return plain_read(); }
  [[kara::writes(this)]] void via_write() { plain_write(); put(1); }

  // A static member function has no `this`.
  [[kara::pure]] static int twice(int x) { return 2 * x; }
};

struct Pair {
  Cache a, b;
  // Member paths: writing `this.a` is covered by writes(this).
  [[kara::writes(this)]] void fill() { a.put(1); b.put(2); }
  [[kara::reads(this)]] int both() const { return a.get() + b.get(); }
  [[kara::reads(this)]] int bad_fill() { a.put(1); return 0; }
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'bad_fill' writes(this.a), which its kara annotations do not declare; declared {reads(this)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-2]]:42: note: calls 'Cache::put', which writes(this)
  // CHECK-MESSAGES: :[[@LINE-31]]:31: note: 'Cache::put' is declared writes(this) here
};

// Calls on local objects touch only locals: no effect.
[[kara::pure]] int locals_only() {
  Cache c;
  c.put(1);
  Pair p;
  p.fill();
  return c.get() + p.both();
}

// A global object is a resource: `this` maps onto it.
Cache global_cache;
[[kara::pure]] int touches_global() { global_cache.put(1); return 0; }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'touches_global' writes(global_cache), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:39: note: calls 'Cache::put', which writes(this)
// CHECK-MESSAGES: :[[@LINE-48]]:31: note: 'Cache::put' is declared writes(this) here
[[kara::writes(global_cache)]] int touches_global_ok() {
  global_cache.put(1);
  return global_cache.get();
}
[[kara::reads(global_cache)]] int reads_global() { return global_cache.get(); }

// Constructors: the object under construction is private to the
// constructor, so writing its members needs no annotation, and callers do
// not see those writes.
struct Counter {
  int n;
  [[kara::pure]] Counter() : n(0) { ++n; }
  [[kara::reads(Config)]] explicit Counter(int start) : n(start) { n += 1; }
  [[kara::pure]] Counter(const Counter &other) : n(other.n) { n *= 2; }
};
[[kara::pure]] int make_counter() { Counter c; Counter d(2); Counter e(c); return c.n + d.n + e.n; }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'make_counter' reads(Config), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:56: note: calls 'Counter::Counter', which reads(Config)
// CHECK-MESSAGES: :[[@LINE-6]]:36: note: 'Counter::Counter' is declared reads(Config) here
