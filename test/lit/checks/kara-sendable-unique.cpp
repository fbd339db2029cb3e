// RUN: %check_kara_tidy %s kara-sendable %t -- -- -I%kara_runtime_include

// A kara::unique used after it was moved into a task (SPEC §6),
// flow-sensitive over branches and loops, like bugprone-use-after-move.

#include <kara/runtime.hpp>

#include <vector>

struct Graph { std::vector<int> nodes; };
void walk(Graph &);
int size_of(const Graph &);
bool flip();

// --- rejected ----------------------------------------------------------------

void moved_into_capture() {
  kara::unique<Graph> g = kara::recover([] { return Graph{}; });
  kara::scope([&](kara::nursery &n) {
    n.spawn([g = std::move(g)]() mutable { walk(g.get()); });
  });
  size_of(g.get());
// CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'g' is used after it was moved into a task; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-4]]:28: note: moved into a task here
}

void moved_as_argument() {
  auto g = kara::recover([] { return Graph{}; });
  auto h = kara::spawn([](kara::unique<Graph> u) { walk(u.get()); }, std::move(g));
  walk(g.get());
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'g' is used after it was moved into a task; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:80: note: moved into a task here
}

// Moved on one branch, used after the branches join.
void moved_on_one_branch() {
  auto g = kara::recover([] { return Graph{}; });
  kara::join_handle<void> h;
  if (flip())
    h = kara::spawn([g = std::move(g)]() mutable { walk(g.get()); });
  walk(g.get());
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'g' is used after it was moved into a task; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:36: note: moved into a task here
}

// Moved inside a loop: the next iteration moves an empty unique.
void moved_in_loop() {
  auto g = kara::recover([] { return Graph{}; });
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 4; ++i)
      n.spawn([](kara::unique<Graph> u) { walk(u.get()); }, std::move(g));
// CHECK-MESSAGES: :[[@LINE-1]]:71: warning: 'g' is used after it was moved into a task; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:71: note: moved into a task here, in an earlier iteration of the loop
  });
}

// Used at the top of the next iteration.
void used_next_iteration() {
  auto g = kara::recover([] { return Graph{}; });
  int i = 0;
  while (i++ < 3) {
    walk(g.get());
// CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'g' is used after it was moved into a task; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE+1]]:41: note: moved into a task here, in an earlier iteration of the loop
    auto h = kara::spawn([g = std::move(g)]() mutable { walk(g.get()); });
  }
}

// A use through a later lambda's capture is a use.
void captured_after_move() {
  auto g = kara::recover([] { return Graph{}; });
  auto h = kara::spawn([g = std::move(g)]() mutable { walk(g.get()); });
  kara::par([&] { walk(g.get()); }, [] {});
// CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'g' is used after it was moved into a task; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:39: note: moved into a task here
}

// A lambda stored in a variable and then spawned: the move happens when the
// lambda is built.
void stored_task_lambda() {
  auto g = kara::recover([] { return Graph{}; });
  auto task = [g = std::move(g)]() mutable { walk(g.get()); };
  auto h = kara::spawn(std::move(task));
  walk(g.get());
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'g' is used after it was moved into a task; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-4]]:30: note: moved into a task here
}

// Tasks spawned from tasks: the inner task's own unique.
void nested_task() {
  kara::scope([](kara::nursery &n) {
    n.spawn([&n] {
      auto inner = kara::recover([] { return Graph{}; });
      n.spawn([](kara::unique<Graph> u) { walk(u.get()); }, std::move(inner));
      walk(inner.get());
// CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'inner' is used after it was moved into a task; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:71: note: moved into a task here
    });
  });
}

// --- accepted ------------------------------------------------------------------

// Moved on one branch, used on the other.
void other_branch() {
  auto g = kara::recover([] { return Graph{}; });
  kara::join_handle<void> h;
  if (flip())
    h = kara::spawn([g = std::move(g)]() mutable { walk(g.get()); });
  else
    walk(g.get());
}

// Reassigned before the next use.
void reassigned() {
  auto g = kara::recover([] { return Graph{}; });
  auto h = kara::spawn([g = std::move(g)]() mutable { walk(g.get()); });
  g = kara::recover([] { return Graph{}; });
  walk(g.get());
}

// A fresh unique in every iteration.
void fresh_each_iteration() {
  kara::scope([](kara::nursery &n) {
    for (int i = 0; i < 4; ++i) {
      auto g = kara::recover([] { return Graph{}; });
      n.spawn([g = std::move(g)]() mutable { walk(g.get()); });
    }
  });
}

// has_value() is how to ask whether it was moved.
void query_after_move() {
  auto g = kara::recover([] { return Graph{}; });
  auto h = kara::spawn([g = std::move(g)]() mutable { walk(g.get()); });
  if (g.has_value())
    return;
}

// Moved out of the loop after its last use.
void last_use_then_move() {
  auto g = kara::recover([] { return Graph{}; });
  for (int i = 0; i < 3; ++i)
    walk(g.get());
  auto h = kara::spawn([g = std::move(g)]() mutable { walk(g.get()); });
}

// Borrowed by reference in a par, moved after the join.
void borrow_then_move() {
  auto g = kara::recover([] { return Graph{}; });
  kara::par([&] { size_of(g.get()); }, [&] { size_of(g.get()); });
  auto h = kara::spawn([g = std::move(g)]() mutable { walk(g.get()); });
}

// The task gives it back through its result.
void round_trip() {
  auto g = kara::recover([] { return Graph{}; });
  auto h = kara::spawn(
      [](kara::unique<Graph> u) { walk(u.get()); return u; }, std::move(g));
  g = h.join();
  walk(g.get());
}

// Breaking out of the loop right after the move.
void move_then_break() {
  auto g = kara::recover([] { return Graph{}; });
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 4; ++i) {
      if (i == 2) {
        n.spawn([g = std::move(g)]() mutable { walk(g.get()); });
        break;
      }
      walk(g.get());
    }
  });
}
