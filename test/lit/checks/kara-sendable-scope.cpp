// RUN: %check_kara_tidy %s kara-sendable %t -- -- -I%kara_runtime_include

// Racing by-reference captures: par branches, scope tasks and the parent
// between spawn and join, loops that spawn, nested scopes, tasks spawned
// from tasks, and lambdas stored in variables before they are passed.

#include <kara/runtime.hpp>

#include <atomic>
#include <vector>

int compute(int);

void par_write_read() {
  int x = 0;
  kara::par([&] { x = compute(1); }, [&] { compute(x); });
// CHECK-MESSAGES: :[[@LINE-1]]:52: warning: variable 'x' is captured by reference by branch 2 and written by branch 1 while it may run; capture a copy, give each side its own variable, or use std::atomic or a mutex [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:19: note: branch 1 writes 'x' here
// CHECK-MESSAGES: :[[@LINE-3]]:52: note: branch 2 reads 'x' here
}

void task_and_parent() {
  int total = 0;
  kara::scope([&](kara::nursery &n) {
    n.spawn([&] { total += compute(1); });
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: variable 'total' is captured by reference by the task spawned at line [[@LINE-1]] and written there while the parent writes it; the parent may touch it only after the join (or capture a copy) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:19: note: the task spawned at line [[@LINE-2]] writes 'total' here
    total = 5;
// CHECK-MESSAGES: :[[@LINE-1]]:5: note: the parent writes 'total' here
  });
}

// A loop that spawns: every task writes the same variable.
void loop_spawns(std::vector<int> &v) {
  int sum = 0;
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 4; ++i)
      n.spawn([&, i] { sum += v[i]; });
// CHECK-MESSAGES: :[[@LINE-1]]:24: warning: variable 'sum' is captured by reference and written by the task spawned at line [[@LINE-1]], which may run concurrently with itself (it is spawned in a loop); give each run its own copy, or use std::atomic or a mutex [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:24: note: the task spawned at line [[@LINE-2]] writes 'sum' here
  });
}

// kara::spawn: the parent reads before the join.
void spawn_then_read() {
  int x = 0;
  auto h = kara::spawn([&] { x = 1; });
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: variable 'x' is captured by reference by the task spawned at line [[@LINE-1]] and written there while the parent reads it; the parent may touch it only after the join (or capture a copy) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:30: note: the task spawned at line [[@LINE-2]] writes 'x' here
  compute(x);
// CHECK-MESSAGES: :[[@LINE-1]]:11: note: the parent reads 'x' here
  h.join();
  compute(x);
}

// Pointers and references to mutable data, used on both sides.
void through_pointer_and_reference() {
  int x = 0, y = 0;
  int *p = &x;
  int &r = y;
  kara::par([&] { *p = 1; r = 2; }, [&] { compute(*p + r); });
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: pointer 'p' to mutable data is captured by reference and written through by branch 1 while branch 2 reads the same data; give each side its own data, or use std::atomic or a mutex [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:52: note: branch 2 uses 'p' here
// CHECK-MESSAGES: :[[@LINE-3]]:27: warning: reference 'r' to mutable data is captured by reference and written through by branch 1 while branch 2 reads the same data; give each side its own data, or use std::atomic or a mutex [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-4]]:56: note: branch 2 uses 'r' here
// Branches of kara::par are seen from the enclosing function, so the write
// through 'r' is also the write of 'y' it is.
// CHECK-MESSAGES: :[[@LINE-7]]:27: warning: variable 'y' is captured by reference by branch 1 and written by branch 2 while it may run; capture a copy, give each side its own variable, or use std::atomic or a mutex [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-8]]:27: note: branch 1 writes 'y' here
// CHECK-MESSAGES: :[[@LINE-9]]:56: note: branch 2 reads 'y' here
}

// A lambda stored in a variable before it is passed to par.
void stored_branches() {
  int hits = 0;
  auto left = [&] { ++hits; };
  auto right = [&] { compute(hits); };
// CHECK-MESSAGES: :[[@LINE-1]]:30: warning: variable 'hits' is captured by reference by branch 2 and written by branch 1 while it may run; capture a copy, give each side its own variable, or use std::atomic or a mutex [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:23: note: branch 1 writes 'hits' here
// CHECK-MESSAGES: :[[@LINE-3]]:30: note: branch 2 reads 'hits' here
  kara::par(left, right);
}

// Two tasks of one scope.
void sibling_tasks() {
  std::vector<int> out;
  kara::scope([&](kara::nursery &n) {
    n.spawn([&] { out.push_back(1); });
    n.spawn([&] { out.push_back(2); });
// CHECK-MESSAGES: :[[@LINE-1]]:19: warning: variable 'out' is captured by reference by the task spawned at line {{[0-9]+}} and written by the task spawned at line {{[0-9]+}} while it may run; capture a copy, give each side its own variable, or use std::atomic or a mutex [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:19: note: the task spawned at line {{[0-9]+}} writes 'out' here
// CHECK-MESSAGES: :[[@LINE-3]]:19: note: the task spawned at line {{[0-9]+}} writes 'out' here
  });
}

// A nested scope inside a par branch.
void nested_scope() {
  int level = 0;
  kara::par(
      [&] {
        kara::scope([&](kara::nursery &n) { n.spawn([&] { level = 1; }); });
      },
      [&] { compute(level); });
// CHECK-MESSAGES: :[[@LINE-1]]:21: warning: variable 'level' is captured by reference by branch 2 and written by branch 1 while it may run; capture a copy, give each side its own variable, or use std::atomic or a mutex [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-4]]:59: note: branch 1 writes 'level' here
// CHECK-MESSAGES: :[[@LINE-3]]:21: note: branch 2 reads 'level' here
}

// A task spawned from a task, racing with its parent task.
void task_from_task() {
  kara::scope([](kara::nursery &n) {
    n.spawn([&n] {
      int local = 0;
      n.spawn([&local] { local = 1; });
// CHECK-MESSAGES: :[[@LINE-1]]:17: warning: variable 'local' is captured by reference by the task spawned at line {{[0-9]+}} and written there while the parent reads it; the parent may touch it only after the join (or capture a copy) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:26: note: the task spawned at line {{[0-9]+}} writes 'local' here
// CHECK-MESSAGES: :[[@LINE+1]]:15: note: the parent reads 'local' here
      compute(local);
    });
  });
}
