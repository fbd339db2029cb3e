// RUN: %check_kara_tidy %s kara-par-conflict %t -- -- -I%kara_runtime_include
// kara-par-conflict: kara::par / kara::race branches whose effects conflict.
// Every warning names both branches and the resource; the notes follow each
// side's effect down to the access, annotation or unknown callee. (The
// expected diagnostics are at the end of the file so that line numbers in
// them are the code's.)

#include <kara/annotations.hpp>
#include <kara/runtime.hpp>

#include <vector>

[[kara::writes(UserDB)]] void save_user(int id);
[[kara::reads(UserDB)]] int load_user(int id);
[[kara::writes(DB::Users)]] void add_user();
[[kara::writes(DB::Orders)]] void add_order();
[[kara::reads(DB)]] int scan_db();
void opaque();
int global_counter;

// 1. A writer and a reader of one resource.
void write_read() {
  kara::par([] { save_user(1); }, [] { (void)load_user(2); });
}

// 2. Two writers.
void write_write() {
  kara::par([] { save_user(1); }, [] { save_user(2); });
}

// 3. Through the resource hierarchy: DB contains DB::Users.
void hierarchy() {
  kara::par([] { add_user(); }, [] { (void)scan_db(); });
}

// 4. A branch with unknown effects.
void unknown_branch() {
  kara::par([] { (void)load_user(1); }, [] { opaque(); });
}

// 5. A global variable accessed directly.
void global_variable() {
  kara::par([] { ++global_counter; }, [] { return global_counter; });
}

// 6. Lambdas stored in variables before being passed.
void stored_lambdas() {
  auto first = [] { save_user(1); };
  auto second = [] { (void)load_user(1); };
  kara::par(first, second);
}

// 7. Named functions as branches; the conflict is two calls deep.
void writer_helper() { save_user(3); }
void writer_task() { writer_helper(); }
void reader_task() { (void)load_user(3); }
void named_functions() { kara::par(writer_task, reader_task); }

// 8. Three branches: only 1 and 3 conflict.
void three_branches() {
  kara::par([] { add_order(); }, [] { (void)load_user(1); }, [] { add_order(); });
}

// 9. One member of the object written by two branches.
struct Cache {
  int size = 0;
  void refresh() {
    kara::par([this] { size = 1; }, [this] { size = 2; });
  }
};

// 10. A nested kara::par inside a branch conflicts with the sibling.
void nested_par() {
  kara::par([] { kara::par([] { add_user(); }, [] { add_order(); }); },
            [] { (void)scan_db(); });
}

// 11. kara::race branches.
int race_conflict() {
  return kara::race([] { save_user(5); return 1; }, [] { return load_user(5); });
}

// 12. A function pointer: unknown.
void through_pointer(void (*fp)()) {
  kara::par(fp, [] { (void)load_user(6); });
}

// 13. A static local variable.
int next_id() {
  static int last = 0;
  return ++last;
}
void static_local() {
  kara::par([] { (void)next_id(); }, [] { (void)next_id(); });
}

// Expected diagnostics (generated from the output, then reviewed).
// CHECK-MESSAGES: :23:3: warning: kara::par branches 1 and 2 conflict on UserDB: branch 1 writes(UserDB), branch 2 reads(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :23:13: note: branch 1 of kara::par writes(UserDB)
// CHECK-MESSAGES: :23:18: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :13:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :23:35: note: branch 2 of kara::par reads(UserDB)
// CHECK-MESSAGES: :23:46: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :14:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :28:3: warning: kara::par branches 1 and 2 conflict on UserDB: branch 1 writes(UserDB), branch 2 writes(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :28:13: note: branch 1 of kara::par writes(UserDB)
// CHECK-MESSAGES: :28:18: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :13:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :28:35: note: branch 2 of kara::par writes(UserDB)
// CHECK-MESSAGES: :28:40: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :13:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :33:3: warning: kara::par branches 1 and 2 conflict on DB::Users: branch 1 writes(DB::Users), branch 2 reads(DB) [kara-par-conflict]
// CHECK-MESSAGES: :33:13: note: branch 1 of kara::par writes(DB::Users)
// CHECK-MESSAGES: :33:18: note: calls 'add_user', which writes(DB::Users)
// CHECK-MESSAGES: :15:34: note: 'add_user' is declared writes(DB::Users) here
// CHECK-MESSAGES: :33:33: note: branch 2 of kara::par reads(DB)
// CHECK-MESSAGES: :33:44: note: calls 'scan_db', which reads(DB)
// CHECK-MESSAGES: :17:25: note: 'scan_db' is declared reads(DB) here
// CHECK-MESSAGES: :38:3: warning: kara::par branches 1 and 2 may conflict: branch 2 has unknown effects [kara-par-conflict]
// CHECK-MESSAGES: :38:13: note: branch 1 of kara::par reads(UserDB)
// CHECK-MESSAGES: :38:24: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :14:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :38:41: note: branch 2 of kara::par has unknown effects
// CHECK-MESSAGES: :38:46: note: calls 'opaque', which has unknown effects
// CHECK-MESSAGES: :18:6: note: 'opaque' has no definition, no kara annotation and no effects-database entry, so its effects are unknown
// CHECK-MESSAGES: :43:3: warning: kara::par branches 1 and 2 conflict on global_counter: branch 1 writes(global_counter), branch 2 reads(global_counter) [kara-par-conflict]
// CHECK-MESSAGES: :43:13: note: branch 1 of kara::par writes(global_counter)
// CHECK-MESSAGES: :43:20: note: writes global_counter here
// CHECK-MESSAGES: :43:39: note: branch 2 of kara::par reads(global_counter)
// CHECK-MESSAGES: :43:51: note: reads global_counter here
// CHECK-MESSAGES: :50:3: warning: kara::par branches 1 and 2 conflict on UserDB: branch 1 writes(UserDB), branch 2 reads(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :50:13: note: branch 1 of kara::par writes(UserDB)
// CHECK-MESSAGES: :48:21: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :13:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :50:20: note: branch 2 of kara::par reads(UserDB)
// CHECK-MESSAGES: :49:28: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :14:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :57:26: warning: kara::par branches 1 and 2 conflict on UserDB: branch 1 writes(UserDB), branch 2 reads(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :57:36: note: branch 1 of kara::par writes(UserDB)
// CHECK-MESSAGES: :55:22: note: calls 'writer_helper', which writes(UserDB)
// CHECK-MESSAGES: :54:24: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :13:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :57:49: note: branch 2 of kara::par reads(UserDB)
// CHECK-MESSAGES: :56:28: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :14:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :61:3: warning: kara::par branches 1 and 3 conflict on DB::Orders: branch 1 writes(DB::Orders), branch 3 writes(DB::Orders) [kara-par-conflict]
// CHECK-MESSAGES: :61:13: note: branch 1 of kara::par writes(DB::Orders)
// CHECK-MESSAGES: :61:18: note: calls 'add_order', which writes(DB::Orders)
// CHECK-MESSAGES: :16:35: note: 'add_order' is declared writes(DB::Orders) here
// CHECK-MESSAGES: :61:62: note: branch 3 of kara::par writes(DB::Orders)
// CHECK-MESSAGES: :61:67: note: calls 'add_order', which writes(DB::Orders)
// CHECK-MESSAGES: :16:35: note: 'add_order' is declared writes(DB::Orders) here
// CHECK-MESSAGES: :68:5: warning: kara::par branches 1 and 2 conflict on this.size: branch 1 writes(this.size), branch 2 writes(this.size) [kara-par-conflict]
// CHECK-MESSAGES: :68:15: note: branch 1 of kara::par writes(this.size)
// CHECK-MESSAGES: :68:24: note: writes this.size here
// CHECK-MESSAGES: :68:37: note: branch 2 of kara::par writes(this.size)
// CHECK-MESSAGES: :68:46: note: writes this.size here
// CHECK-MESSAGES: :74:3: warning: kara::par branches 1 and 2 conflict on DB::Orders: branch 1 writes(DB::Orders), branch 2 reads(DB) [kara-par-conflict]
// CHECK-MESSAGES: :74:13: note: branch 1 of kara::par writes(DB::Orders)
// CHECK-MESSAGES: :74:53: note: calls 'add_order', which writes(DB::Orders)
// CHECK-MESSAGES: :16:35: note: 'add_order' is declared writes(DB::Orders) here
// CHECK-MESSAGES: :75:13: note: branch 2 of kara::par reads(DB)
// CHECK-MESSAGES: :75:24: note: calls 'scan_db', which reads(DB)
// CHECK-MESSAGES: :17:25: note: 'scan_db' is declared reads(DB) here
// CHECK-MESSAGES: :80:10: warning: kara::race branches 1 and 2 conflict on UserDB: branch 1 writes(UserDB), branch 2 reads(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :80:21: note: branch 1 of kara::race writes(UserDB)
// CHECK-MESSAGES: :80:26: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :13:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :80:53: note: branch 2 of kara::race reads(UserDB)
// CHECK-MESSAGES: :80:65: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :14:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :85:3: warning: kara::par branches 1 and 2 may conflict: branch 1 has unknown effects [kara-par-conflict]
// CHECK-MESSAGES: :85:13: note: branch 1 of kara::par has unknown effects
// CHECK-MESSAGES: :85:13: note: the callable 'fp' (not a lambda or a named function) has unknown effects
// CHECK-MESSAGES: :85:17: note: branch 2 of kara::par reads(UserDB)
// CHECK-MESSAGES: :85:28: note: calls 'load_user', which reads(UserDB)
// CHECK-MESSAGES: :14:29: note: 'load_user' is declared reads(UserDB) here
// CHECK-MESSAGES: :94:3: warning: kara::par branches 1 and 2 conflict on next_id::last: branch 1 writes(next_id::last), branch 2 writes(next_id::last) [kara-par-conflict]
// CHECK-MESSAGES: :94:13: note: branch 1 of kara::par writes(next_id::last)
// CHECK-MESSAGES: :94:24: note: calls 'next_id', which writes(next_id::last)
// CHECK-MESSAGES: :91:12: note: writes next_id::last here
// CHECK-MESSAGES: :94:38: note: branch 2 of kara::par writes(next_id::last)
// CHECK-MESSAGES: :94:49: note: calls 'next_id', which writes(next_id::last)
// CHECK-MESSAGES: :91:12: note: writes next_id::last here
