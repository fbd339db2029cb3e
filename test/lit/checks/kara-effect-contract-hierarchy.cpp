// RUN: %check_kara_tidy %s kara-effect-contract %t
// Resource paths form a hierarchy (SPEC §2): declaring `DB` covers
// `DB::Users`; declaring `DB::Users` does not cover `DB` or `DB::Orders`.

#include <kara/annotations.hpp>

[[kara::writes(DB::Users)]] void save_user(int id);
[[kara::reads(DB::Orders)]] int count_orders(int id);
[[kara::writes(DB)]] void vacuum();
[[kara::reads(::DB::Users::Names)]] int name_of(int id);

// Parent covers children, at any depth; a leading `::` is ignored.
[[kara::writes(DB)]] void all(int id) { save_user(id); count_orders(id); name_of(id); }
[[kara::reads(DB)]] int read_all(int id) { return count_orders(id) + name_of(id); }
[[kara::writes(::DB::Users)]] int users(int id) { save_user(id); return name_of(id); }

// A child does not cover its parent or its siblings. (A write of `DB` also
// covers the read of `DB::Orders`, so only the wider effect is reported.)
[[kara::writes(DB::Users)]] void child(int id) { vacuum(); count_orders(id); }
// CHECK-MESSAGES: :[[@LINE-1]]:34: warning: 'child' writes(DB), which its kara annotations do not declare; declared {writes(DB::Users)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:50: note: calls 'vacuum', which writes(DB)
// CHECK-MESSAGES: :[[@LINE-13]]:27: note: 'vacuum' is declared writes(DB) here
[[kara::writes(DB::Users)]] void sibling(int id) { save_user(id); count_orders(id); }
// CHECK-MESSAGES: :[[@LINE-1]]:34: warning: 'sibling' reads(DB::Orders), which its kara annotations do not declare; declared {writes(DB::Users)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:67: note: calls 'count_orders', which reads(DB::Orders)
// CHECK-MESSAGES: :[[@LINE-18]]:33: note: 'count_orders' is declared reads(DB::Orders) here

// Reading a parent does not permit writing a child.
[[kara::reads(DB)]] void reader(int id) { save_user(id); }
// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'reader' writes(DB::Users), which its kara annotations do not declare; declared {reads(DB)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:43: note: calls 'save_user', which writes(DB::Users)
// CHECK-MESSAGES: :[[@LINE-25]]:34: note: 'save_user' is declared writes(DB::Users) here

// Name paths are compared component-wise: `DBX` is not inside `DB`.
[[kara::reads(DBX)]] int dbx();
[[kara::reads(DB)]] int not_a_prefix() { return dbx(); }
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 'not_a_prefix' reads(DBX), which its kara annotations do not declare; declared {reads(DB)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:49: note: calls 'dbx', which reads(DBX)
// CHECK-MESSAGES: :[[@LINE-4]]:26: note: 'dbx' is declared reads(DBX) here

// Member paths below `this` form the same hierarchy.
struct Account {
  struct { int balance; int limit; } data;
  int audit;
  [[kara::writes(this)]] void deposit(int v) { data.balance += v; ++audit; }
};
