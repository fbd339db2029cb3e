// RUN: %check_kara_tidy %s kara-par-conflict %t -- -- -I%kara_runtime_include
// kara-par-conflict: kara::spawn / kara::spawn_blocking tasks whose effects
// conflict with the parent code that runs until the handle is joined or
// destroyed, or with themselves. (The expected diagnostics are at the end.)

#include <kara/annotations.hpp>
#include <kara/runtime.hpp>

#include <vector>

[[kara::writes(UserDB)]] void save_user(int id);
[[kara::reads(UserDB)]] int load_user(int id);
[[kara::writes(DB::Users)]] void add_user();
[[kara::writes(DB::Orders)]] void add_order();
[[kara::reads(DB)]] int scan_db();
[[kara::writes(Log)]] void log_line();

// 1. kara::spawn: the parent reads before joining.
void spawn_parent() {
  auto h = kara::spawn([] { save_user(11); });
  (void)load_user(11);
  h.join();
}

// 2. kara::spawn_blocking: the handle lives until the end of the block.
void spawn_until_block_end() {
  auto h = kara::spawn_blocking([] { add_user(); });
  (void)scan_db();
}

// 3. kara::spawn handles kept in a container: spawned in a loop, they run
// concurrently with each other.
void spawn_into_vector() {
  std::vector<kara::join_handle<void>> handles;
  for (int i = 0; i < 3; ++i)
    handles.push_back(kara::spawn([] { log_line(); }));
}

// 4. kara::spawn from a task of kara::spawn: the inner task and the rest of
// the outer task.
void spawn_in_spawn() {
  auto outer = kara::spawn([] {
    auto inner = kara::spawn([] { add_order(); });
    add_order();
  });
}

// Expected diagnostics (generated from the output, then reviewed).
// CHECK-MESSAGES: :20:12: warning: kara::spawn: the task spawned at line 20 and the parent conflict on UserDB: the task spawned at line 20 writes(UserDB), the parent reads(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :20:12: note: the task spawned at line 20 writes(UserDB)
// CHECK-MESSAGES: :20:29: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :11:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :21:3: note: the parent code after the spawn at line 20 until the join at line 22 reads(UserDB)
// CHECK-MESSAGES: :21:9: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :12:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :27:12: warning: kara::spawn_blocking: the task spawned at line 27 and the parent conflict on DB::Users: the task spawned at line 27 writes(DB::Users), the parent reads(DB) [kara-par-conflict]
// CHECK-MESSAGES: :27:12: note: the task spawned at line 27 writes(DB::Users)
// CHECK-MESSAGES: :27:38: note: calls 'add_user', which writes(DB::Users)
// CHECK-MESSAGES: :13:34: note: 'add_user' is declared writes(DB::Users) here
// CHECK-MESSAGES: :28:3: note: the parent code after the spawn at line 27 until the handle is destroyed reads(DB)
// CHECK-MESSAGES: :28:9: note: calls 'scan_db', which reads(DB)
// CHECK-MESSAGES: :15:25: note: 'scan_db' is declared reads(DB) here
// CHECK-MESSAGES: :36:23: warning: kara::spawn: the task spawned at line 36 runs concurrently with itself (it is spawned in a loop) and conflicts on Log: it writes(Log) [kara-par-conflict]
// CHECK-MESSAGES: :36:23: note: the task spawned at line 36 writes(Log)
// CHECK-MESSAGES: :36:40: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :16:28: note: 'log_line' is declared writes(Log) here
// CHECK-MESSAGES: :43:18: warning: kara::spawn: the task spawned at line 43 and the parent conflict on DB::Orders: the task spawned at line 43 writes(DB::Orders), the parent writes(DB::Orders) [kara-par-conflict]
// CHECK-MESSAGES: :43:18: note: the task spawned at line 43 writes(DB::Orders)
// CHECK-MESSAGES: :43:35: note: calls 'add_order', which writes(DB::Orders)
// CHECK-MESSAGES: :14:35: note: 'add_order' is declared writes(DB::Orders) here
// CHECK-MESSAGES: :44:5: note: the parent code after the spawn at line 43 until the handle is destroyed writes(DB::Orders)
// CHECK-MESSAGES: :44:5: note: calls 'add_order', which writes(DB::Orders)
// CHECK-MESSAGES: :14:35: note: 'add_order' is declared writes(DB::Orders) here
