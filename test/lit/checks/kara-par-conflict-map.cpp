// RUN: %check_kara_tidy %s kara-par-conflict %t -- -- -I%kara_runtime_include
// kara-par-conflict: kara::map / kara::map_limited callables run
// concurrently with themselves. (The expected diagnostics are at the end.)

#include <kara/annotations.hpp>
#include <kara/runtime.hpp>

#include <vector>

[[kara::writes(UserDB)]] void save_user(int id);
[[kara::reads(UserDB)]] int load_user(int id);
[[kara::writes(DB::Users)]] void add_user();
[[kara::writes(DB::Orders)]] void add_order();
[[kara::reads(DB)]] int scan_db();
[[kara::writes(Log)]] void log_line();

// 1. kara::map: the callable runs concurrently with itself.
void map_writer() {
  std::vector<int> ids{1, 2, 3};
  auto r = kara::map([](int id) { save_user(id); return id; }, ids);
}

// 2. kara::map_limited, a callable stored in a variable.
void map_limited_writer() {
  std::vector<int> ids{1, 2, 3};
  auto f = [](int id) { log_line(); return id; };
  auto r = kara::map_limited(f, ids, 2);
}

// 3. A named function as the callable, writing a global counter.
int processed = 0;
int process(int id) { ++processed; return id; }
void map_named() {
  std::vector<int> ids{1, 2, 3};
  auto r = kara::map(process, ids);
}

// 4. A callable with unknown effects.
int lookup(int id);
void map_unknown() {
  std::vector<int> ids{1, 2, 3};
  auto r = kara::map([](int id) { return lookup(id); }, ids);
}

// Accepted: a reader, and a pure callable.
void map_reader() {
  std::vector<int> ids{1, 2, 3};
  auto r = kara::map([](int id) { return load_user(id) + scan_db(); }, ids);
}

// Expected diagnostics (generated from the output, then reviewed).
// CHECK-MESSAGES: :20:12: warning: kara::map: the callable runs concurrently with itself (it is called for many elements at once) and conflicts on UserDB: it writes(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :20:22: note: the callable of kara::map writes(UserDB)
// CHECK-MESSAGES: :20:35: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :10:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :27:12: warning: kara::map_limited: the callable runs concurrently with itself (it is called for many elements at once) and conflicts on Log: it writes(Log) [kara-par-conflict]
// CHECK-MESSAGES: :27:30: note: the callable of kara::map_limited writes(Log)
// CHECK-MESSAGES: :26:25: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :15:28: note: 'log_line' is declared writes(Log) here
// CHECK-MESSAGES: :35:12: warning: kara::map: the callable runs concurrently with itself (it is called for many elements at once) and conflicts on processed: it writes(processed) [kara-par-conflict]
// CHECK-MESSAGES: :35:22: note: the callable of kara::map writes(processed)
// CHECK-MESSAGES: :32:25: note: writes processed here
// CHECK-MESSAGES: :42:12: warning: kara::map: the callable runs concurrently with itself (it is called for many elements at once) and has unknown effects [kara-par-conflict]
// CHECK-MESSAGES: :42:22: note: the callable of kara::map has unknown effects
// CHECK-MESSAGES: :42:42: note: calls 'lookup', which has unknown effects
// CHECK-MESSAGES: :39:5: note: 'lookup' has no definition, no kara annotation and no effects-database entry, so its effects are unknown
