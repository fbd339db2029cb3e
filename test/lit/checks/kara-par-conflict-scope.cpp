// RUN: %check_kara_tidy %s kara-par-conflict %t -- -- -I%kara_runtime_include
// kara-par-conflict: tasks of a kara::scope (loops that spawn, nested
// scopes, tasks spawned from tasks, stored task lambdas, joins) whose effects
// conflict with a sibling task, with the parent code that runs while they may
// run, or with themselves. (The expected diagnostics are at the end.)

#include <kara/annotations.hpp>
#include <kara/runtime.hpp>

#include <vector>

[[kara::writes(UserDB)]] void save_user(int id);
[[kara::reads(UserDB)]] int load_user(int id);
[[kara::writes(DB::Users)]] void add_user();
[[kara::writes(DB::Orders)]] void add_order();
[[kara::reads(DB)]] int scan_db();
[[kara::writes(Log)]] void log_line();

// 1. The parent reads what the task writes before joining it.
void parent_before_join() {
  kara::scope([&](kara::nursery &n) {
    auto h = n.spawn([] { save_user(1); });
    (void)load_user(1);
    h.join();
  });
}

// 2. Two tasks of one scope write the same resource.
void two_tasks() {
  kara::scope([&](kara::nursery &n) {
    n.spawn([] { add_order(); });
    n.spawn([] { add_order(); });
  });
}

// 3. A loop that spawns: the task runs concurrently with itself.
void loop_spawns() {
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 4; ++i)
      n.spawn([i] { save_user(i); });
  });
}

// 4. A loop that spawns, and the loop body writes what the task reads.
void loop_body_parent() {
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 4; ++i) {
      n.spawn([i] { (void)load_user(i); });
      save_user(i);
    }
  });
}

// 5. A task spawned from a task conflicts with the rest of its parent task.
void task_from_task() {
  kara::scope([&](kara::nursery &n) {
    n.spawn([&n] {
      n.spawn([] { log_line(); });
      log_line();
    });
  });
}

// 6. A task spawned from a task conflicts with a sibling of its parent.
void grandchild_and_sibling() {
  kara::scope([&](kara::nursery &n) {
    n.spawn([&n] { n.spawn([] { add_user(); }); });
    n.spawn([] { (void)scan_db(); });
  });
}

// 7. Nested scopes: a task of the inner scope conflicts with a task of the
// outer one (the inner scope is parent code of the outer task).
void nested_scopes() {
  kara::scope([&](kara::nursery &outer) {
    outer.spawn([] { save_user(7); });
    kara::scope([&](kara::nursery &inner) {
      inner.spawn([] { (void)load_user(7); });
    });
  });
}

// 8. A task lambda stored in a variable before it is spawned.
void stored_task() {
  auto task = [] { add_user(); };
  kara::scope([&](kara::nursery &n) {
    n.spawn(task);
    (void)scan_db();
  });
}

// 9. A join that comes too late: the write happens before it.
void late_join() {
  kara::scope([&](kara::nursery &n) {
    auto h = n.spawn([] { (void)load_user(9); });
    save_user(9);
    h.join();
  });
}

// 10. Tasks of a member function write the same member.
struct Stats {
  int hits = 0;
  void collect() {
    kara::scope([this](kara::nursery &n) {
      n.spawn([this] { ++hits; });
      hits = 0;
    });
  }
};

// Expected diagnostics (generated from the output, then reviewed).
// CHECK-MESSAGES: :22:14: warning: kara::scope: the task spawned at line 22 and the parent conflict on UserDB: the task spawned at line 22 writes(UserDB), the parent reads(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :22:14: note: the task spawned at line 22 writes(UserDB)
// CHECK-MESSAGES: :22:27: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :12:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :23:5: note: the scope's code after the spawn at line 22 until the join at line 24 reads(UserDB)
// CHECK-MESSAGES: :23:11: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :13:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :31:5: warning: kara::scope: the task spawned at line 31 and the task spawned at line 32 conflict on DB::Orders: the task spawned at line 31 writes(DB::Orders), the task spawned at line 32 writes(DB::Orders) [kara-par-conflict]
// CHECK-MESSAGES: :31:5: note: the task spawned at line 31 writes(DB::Orders)
// CHECK-MESSAGES: :31:18: note: calls 'add_order', which writes(DB::Orders)
// CHECK-MESSAGES: :15:35: note: 'add_order' is declared writes(DB::Orders) here
// CHECK-MESSAGES: :32:5: note: the task spawned at line 32 writes(DB::Orders)
// CHECK-MESSAGES: :32:18: note: calls 'add_order', which writes(DB::Orders)
// CHECK-MESSAGES: :15:35: note: 'add_order' is declared writes(DB::Orders) here
// CHECK-MESSAGES: :40:7: warning: kara::scope: the task spawned at line 40 runs concurrently with itself (it is spawned in a loop) and conflicts on UserDB: it writes(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :40:7: note: the task spawned at line 40 writes(UserDB)
// CHECK-MESSAGES: :40:21: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :12:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :48:7: warning: kara::scope: the task spawned at line 48 and the parent conflict on UserDB: the task spawned at line 48 reads(UserDB), the parent writes(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :48:7: note: the task spawned at line 48 reads(UserDB)
// CHECK-MESSAGES: :48:27: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :13:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :49:7: note: the scope's code after the spawn at line 48 until the end of the scope writes(UserDB)
// CHECK-MESSAGES: :49:7: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :12:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :58:7: warning: kara::scope: the task spawned at line 58 and the parent conflict on Log: the task spawned at line 58 writes(Log), the parent writes(Log) [kara-par-conflict]
// CHECK-MESSAGES: :58:7: note: the task spawned at line 58 writes(Log)
// CHECK-MESSAGES: :58:20: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :17:28: note: 'log_line' is declared writes(Log) here
// CHECK-MESSAGES: :59:7: note: the code of the spawning task and the scope after the spawn at line 58 until the end of the scope writes(Log)
// CHECK-MESSAGES: :59:7: note: calls 'log_line', which writes(Log)
// CHECK-MESSAGES: :17:28: note: 'log_line' is declared writes(Log) here
// CHECK-MESSAGES: :67:20: warning: kara::scope: the task spawned at line 67 and the task spawned at line 68 conflict on DB::Users: the task spawned at line 67 writes(DB::Users), the task spawned at line 68 reads(DB) [kara-par-conflict]
// CHECK-MESSAGES: :67:20: note: the task spawned at line 67 writes(DB::Users)
// CHECK-MESSAGES: :67:33: note: calls 'add_user', which writes(DB::Users)
// CHECK-MESSAGES: :14:34: note: 'add_user' is declared writes(DB::Users) here
// CHECK-MESSAGES: :68:5: note: the task spawned at line 68 reads(DB)
// CHECK-MESSAGES: :68:24: note: calls 'scan_db', which reads(DB)
// CHECK-MESSAGES: :16:25: note: 'scan_db' is declared reads(DB) here
// CHECK-MESSAGES: :76:5: warning: kara::scope: the task spawned at line 76 and the parent conflict on UserDB: the task spawned at line 76 writes(UserDB), the parent reads(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :76:5: note: the task spawned at line 76 writes(UserDB)
// CHECK-MESSAGES: :76:22: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :12:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :77:5: note: the scope's code after the spawn at line 76 until the end of the scope reads(UserDB)
// CHECK-MESSAGES: :78:30: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :13:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :87:5: warning: kara::scope: the task spawned at line 87 and the parent conflict on DB::Users: the task spawned at line 87 writes(DB::Users), the parent reads(DB) [kara-par-conflict]
// CHECK-MESSAGES: :87:5: note: the task spawned at line 87 writes(DB::Users)
// CHECK-MESSAGES: :85:20: note: calls 'add_user', which writes(DB::Users)
// CHECK-MESSAGES: :14:34: note: 'add_user' is declared writes(DB::Users) here
// CHECK-MESSAGES: :88:5: note: the scope's code after the spawn at line 87 until the end of the scope reads(DB)
// CHECK-MESSAGES: :88:11: note: calls 'scan_db', which reads(DB)
// CHECK-MESSAGES: :16:25: note: 'scan_db' is declared reads(DB) here
// CHECK-MESSAGES: :95:14: warning: kara::scope: the task spawned at line 95 and the parent conflict on UserDB: the task spawned at line 95 reads(UserDB), the parent writes(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :95:14: note: the task spawned at line 95 reads(UserDB)
// CHECK-MESSAGES: :95:33: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :13:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :96:5: note: the scope's code after the spawn at line 95 until the join at line 97 writes(UserDB)
// CHECK-MESSAGES: :96:5: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :12:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :106:7: warning: kara::scope: the task spawned at line 106 and the parent conflict on this.hits: the task spawned at line 106 writes(this.hits), the parent writes(this.hits) [kara-par-conflict]
// CHECK-MESSAGES: :106:7: note: the task spawned at line 106 writes(this.hits)
// CHECK-MESSAGES: :106:26: note: writes this.hits here
// CHECK-MESSAGES: :107:7: note: the scope's code after the spawn at line 106 until the end of the scope writes(this.hits)
// CHECK-MESSAGES: :107:7: note: writes this.hits here
