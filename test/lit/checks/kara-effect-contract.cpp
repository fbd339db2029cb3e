// RUN: %check_kara_tidy %s kara-effect-contract %t

#include <kara/annotations.hpp>

struct Profile { int id; int visits; };

[[kara::writes(UserDB)]] void save_profile(const Profile &p);
[[kara::reads(UserDB)]] Profile load_profile(int id);
[[kara::reads(OrderDB)]] int count_orders(int id);

// The example: declared reads(UserDB), calls save_profile, which
// writes(UserDB). Reported at the declaration, with the note chain.
[[kara::reads(UserDB)]] Profile get_profile(int id) {
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'get_profile' writes(UserDB), which its kara annotations do not declare; declared {reads(UserDB)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE+4]]:3: note: calls 'save_profile', which writes(UserDB)
// CHECK-MESSAGES: :[[@LINE-9]]:31: note: 'save_profile' is declared writes(UserDB) here
  Profile p = load_profile(id);
  p.visits++;
  save_profile(p);
  return p;
}

// Every undeclared effect is reported, each with its own chain.
[[kara::reads(UserDB)]] int summary(int id) {
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'summary' reads(OrderDB), which its kara annotations do not declare; declared {reads(UserDB)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE+6]]:10: note: calls 'count_orders', which reads(OrderDB)
// CHECK-MESSAGES: :[[@LINE-18]]:30: note: 'count_orders' is declared reads(OrderDB) here
// CHECK-MESSAGES: :[[@LINE-4]]:29: warning: 'summary' writes(UserDB), which its kara annotations do not declare; declared {reads(UserDB)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE+2]]:3: note: calls 'save_profile', which writes(UserDB)
// CHECK-MESSAGES: :[[@LINE-23]]:31: note: 'save_profile' is declared writes(UserDB) here
  save_profile(load_profile(id));
  return count_orders(id);
}

// [[kara::pure]] declares no resource at all.
[[kara::pure]] int calls_reader(int id) { return count_orders(id); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'calls_reader' reads(OrderDB), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:50: note: calls 'count_orders', which reads(OrderDB)
// CHECK-MESSAGES: :[[@LINE-30]]:30: note: 'count_orders' is declared reads(OrderDB) here

// The chain goes through unannotated functions down to the access.
int hits;
void bump() { ++hits; }
void record() { bump(); }
[[kara::reads(UserDB)]] Profile tracked(int id) {
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: 'tracked' writes(hits), which its kara annotations do not declare; declared {reads(UserDB)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE+3]]:3: note: calls 'record', which writes(hits)
// CHECK-MESSAGES: :[[@LINE-4]]:17: note: calls 'bump', which writes(hits)
// CHECK-MESSAGES: :[[@LINE-6]]:17: note: writes hits here
  record();
  return load_profile(id);
}

// Accepted: nothing below may be reported (every diagnostic must be
// matched above).

// A write declaration permits reads of the same resource.
[[kara::writes(UserDB)]] Profile touch(int id) {
  Profile p = load_profile(id);
  save_profile(p);
  return p;
}

// Locals are private to the function: a pure function may use them freely.
[[kara::pure]] int sum(int n) {
  int total = 0;
  for (int i = 0; i < n; ++i)
    total += i;
  int values[4] = {1, 2, 3, 4};
  values[n & 3] = total;
  Profile p{n, n};
  p.visits += total;
  return values[0] + p.visits;
}

// Several resources in one list, and several attributes.
[[kara::reads(UserDB, OrderDB)]] int both(int id) {
  return load_profile(id).id + count_orders(id);
}
[[kara::reads(UserDB)]] [[kara::reads(OrderDB)]] int both2(int id) {
  return load_profile(id).id + count_orders(id);
}
[[kara::writes(hits)]] [[kara::reads(UserDB)]] int counted(int id) {
  record();
  return load_profile(id).id;
}
[[kara::reads(UserDB), kara::reads(OrderDB)]] int both3(int id) {
  return load_profile(id).id + count_orders(id);
}

// Declarations without a body are contracts for callers, not checked here.
[[kara::pure]] int declared_only(int id);

// Unannotated functions are never reported.
int free_for_all(int id) {
  save_profile(load_profile(id));
  record();
  return count_orders(id);
}
