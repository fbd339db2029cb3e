// RUN: %check_kara_tidy %s kara-parallelize %t -- --config="{CheckOptions: {kara-parallelize.AllocationMayThrow: false}}" -- -std=c++20 -I%kara_runtime_include
// A message is an effect on the actor (SPEC §8, issue 14): writes(a) for a
// non-const handler, reads(a) for a const one. Sends to distinct actors may
// run in parallel; two sends to one actor keep their order. Handles are
// passed by value here: a by-value handle parameter names its caller's
// actor; a handle reached through a reference parameter, a member or a
// pointer is not followed (its sends have unknown effects).

#include <kara/annotations.hpp>
#include <kara/runtime.hpp>

[[kara::pure]] int price(int k) noexcept;

struct Tally {
  int n = 0;
  void add(int d) { n += d; }
  int get() const { return n; }
};

void distinct(int k) {
  kara::actor<Tally> a;
  kara::actor<Tally> b;
  a.send(&Tally::add, price(k));
  b.send(&Tally::add, price(k + 1));
}
// CHECK-MESSAGES: :[[@LINE-3]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-FIXES: void distinct(int k) {
// CHECK-FIXES-NEXT:   kara::actor<Tally> a;
// CHECK-FIXES-NEXT:   kara::actor<Tally> b;
// CHECK-FIXES-NEXT:   kara::par(
// CHECK-FIXES-NEXT:       [&, k] { a.send(&Tally::add, price(k)); },
// CHECK-FIXES-NEXT:       [&, k] { b.send(&Tally::add, price(k + 1)); });

// Two handle parameters may be handles of one actor (a caller may pass the
// same one twice): their sends keep their order.
void maybe_one(kara::actor<Tally> a, kara::actor<Tally> b, int k) {
  a.send(&Tally::add, price(k));
  b.send(&Tally::add, price(k + 1));
}

// One actor: the second send must follow the first.
void same(kara::actor<Tally> a, int k) {
  a.send(&Tally::add, price(k));
  a.send(&Tally::add, price(k + 1));
}

// A copy of a handle is the same actor.
void copy(int k) {
  kara::actor<Tally> a;
  kara::actor<Tally> b = a;
  a.send(&Tally::add, price(k));
  b.send(&Tally::add, price(k + 1));
}

// Through a reference: not followed, so not reordered.
void by_reference(kara::actor<Tally> &a, kara::actor<Tally> &b, int k) {
  a.send(&Tally::add, price(k));
  b.send(&Tally::add, price(k + 1));
}

// A send (writes) and an ask of a const handler (reads) of one actor keep
// their order too.
int send_then_call(kara::actor<Tally> a, int k) {
  a.send(&Tally::add, price(k));
  int v = a.call(&Tally::get) + price(k + 1);
  return v;
}
