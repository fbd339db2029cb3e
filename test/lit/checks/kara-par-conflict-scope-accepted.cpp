// RUN: %check_kara_tidy %s kara-par-conflict %t -- -- -I%kara_runtime_include
// kara-par-conflict: kara::scope / nursery, kara::spawn and kara::map
// patterns that must be accepted (no diagnostic at all). Also a runnable
// program (-DKARA_RUN), run under ThreadSanitizer by test/concurrency.

#include <kara/annotations.hpp>
#include <kara/runtime.hpp>

#include <vector>

namespace store {
inline std::vector<int> users, orders;
inline int config = 3;
inline int log_lines = 0;
} // namespace store

[[kara::writes(DB::Users)]] void add_user(int id) { store::users.push_back(id); }
[[kara::writes(DB::Orders)]] void add_order(int id) { store::orders.push_back(id); }
[[kara::reads(DB::Users)]] int count_users() { return (int)store::users.size(); }
[[kara::reads(Config)]] int read_config() { return store::config; }
[[kara::writes(Log)]] void log_line() { ++store::log_lines; }
[[kara::pure]] int square(int x) { return x * x; }

// 1. Tasks touching disjoint resources, parent reads a third one.
void scope_disjoint() {
  kara::scope([&](kara::nursery &n) {
    n.spawn([] { add_user(1); });
    n.spawn([] { add_order(1); });
    (void)read_config();
  });
}

// 2. The parent writes only after joining the task.
void scope_join_then_write() {
  kara::scope([&](kara::nursery &n) {
    auto h = n.spawn([] { add_user(2); });
    (void)read_config();
    h.join();
    (void)count_users();
    add_user(3);
  });
}

// 3. A task joined before the next one is spawned: not concurrent.
void scope_sequential_tasks() {
  kara::scope([&](kara::nursery &n) {
    auto a = n.spawn([] { add_user(4); });
    a.join();
    auto b = n.spawn([] { add_user(5); });
    b.join();
  });
}

// 4. A loop that spawns readers of shared data.
void scope_loop_readers() {
  std::vector<int> counts(4);
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 4; ++i)
      n.spawn([&counts, i] { counts[i] = count_users() + read_config(); });
  });
}

// 5. A loop that spawns pure work, results written to distinct slots.
void scope_loop_pure() {
  std::vector<int> out(8);
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 8; ++i)
      n.spawn([&out, i] { out[i] = square(i); });
  });
}

// 6. Nested scopes with disjoint effects.
void nested_scopes() {
  kara::scope([&](kara::nursery &outer) {
    outer.spawn([] { add_order(6); });
    kara::scope([&](kara::nursery &inner) {
      inner.spawn([] { add_user(6); });
      inner.spawn([] { (void)read_config(); });
    });
  });
}

// 7. A task that spawns a task: disjoint from each other and the parent.
void task_spawns_task() {
  kara::scope([&](kara::nursery &n) {
    n.spawn([&n] {
      n.spawn([] { add_user(7); });
      add_order(7);
    });
    log_line();
  });
}

// 8. A task lambda stored in a variable before it is spawned.
void stored_task() {
  auto task = [] { add_user(8); };
  kara::scope([&](kara::nursery &n) {
    n.spawn(task);
    add_order(8);
  });
}

// 9. kara::spawn joined before the parent touches the same resource.
void spawn_join_then_use() {
  auto h = kara::spawn([] { add_user(9); });
  (void)read_config();
  h.join();
  add_user(10);
}

// 10. kara::spawn whose handle is destroyed at the end of a block.
void spawn_block_end() {
  {
    auto h = kara::spawn([] { add_user(11); });
    add_order(11);
  }
  add_user(12);
}

// 11. kara::spawn of a pure function with sendable arguments.
int cube(int x) { return x * x * x; }
void spawn_args() {
  auto h = kara::spawn(cube, 3);
  int v = h.join();
  (void)v;
}

// 12. kara::spawn in a loop, joined in each iteration.
void spawn_loop_joined() {
  for (int i = 0; i < 3; ++i) {
    auto h = kara::spawn([i] { add_user(i); });
    h.join();
  }
}

// 13. kara::spawn joined immediately (a temporary).
void spawn_temporary() {
  kara::spawn([] { add_user(13); }).join();
  add_user(14);
}

// 14. kara::map of a reader.
void map_reader() {
  std::vector<int> ids{1, 2, 3};
  auto r = kara::map([](int id) { return count_users() + id; }, ids);
  (void)r;
}

// 15. kara::map of a pure callable writing its own element.
void map_pure() {
  std::vector<int> ids{1, 2, 3};
  auto r = kara::map([](int id) { return square(id); }, ids);
  (void)r;
}

// 16. kara::map_limited with by-copy captures.
void map_limited_copy() {
  std::vector<int> ids{1, 2, 3, 4};
  int base = 10;
  auto r = kara::map_limited([base](int id) { return base + square(id); }, ids, 2);
  (void)r;
}

// 17. Work after the scope ends touches what the tasks wrote.
void after_scope() {
  kara::scope([&](kara::nursery &n) { n.spawn([] { add_user(15); }); });
  add_user(16);
  (void)count_users();
}

// 18. Spawn from a member function: tasks write different members.
struct Report {
  int users = 0;
  int orders = 0;
  void build() {
    kara::scope([this](kara::nursery &n) {
      n.spawn([this] { users = square(2); });
      n.spawn([this] { orders = square(3); });
    });
  }
};
void member_tasks() {
  Report r;
  r.build();
}

// 19. The task reads, the parent reads the same resource.
void task_and_parent_read() {
  kara::scope([&](kara::nursery &n) {
    n.spawn([] { (void)count_users(); });
    (void)count_users();
  });
}

// 20. A task spawned inside a kara::par branch of the parent, disjoint.
void spawn_inside_par_branch() {
  kara::scope([&](kara::nursery &n) {
    kara::par([&] { n.spawn([] { add_user(17); }); }, [] { add_order(17); });
  });
}

#ifdef KARA_RUN
int main() {
  for (int round = 0; round < 20; ++round) {
    scope_disjoint();
    scope_join_then_write();
    scope_sequential_tasks();
    scope_loop_readers();
    scope_loop_pure();
    nested_scopes();
    task_spawns_task();
    stored_task();
    spawn_join_then_use();
    spawn_block_end();
    spawn_args();
    spawn_loop_joined();
    spawn_temporary();
    map_reader();
    map_pure();
    map_limited_copy();
    after_scope();
    member_tasks();
    task_and_parent_read();
    spawn_inside_par_branch();
  }
  return 0;
}
#endif
