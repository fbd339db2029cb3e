// RUN: %check_kara_tidy %s kara-par-conflict %t -- -- -I%kara_runtime_include
// kara-par-conflict: kara::par / kara::race patterns that must be accepted
// (no diagnostic at all). False positives are bugs. This file is also a
// runnable program (-DKARA_RUN) that test/concurrency runs under
// ThreadSanitizer: every pattern accepted here must be race-free.

#include <kara/annotations.hpp>
#include <kara/runtime.hpp>

#include <atomic>
#include <string>
#include <vector>

namespace store {
inline std::vector<int> users, orders;
inline int config = 3;
inline int audit_count = 0;
} // namespace store

[[kara::writes(DB::Users)]] void add_user(int id) { store::users.push_back(id); }
[[kara::writes(DB::Orders)]] void add_order(int id) { store::orders.push_back(id); }
[[kara::reads(DB::Users)]] int count_users() { return (int)store::users.size(); }
[[kara::reads(DB::Orders)]] int count_orders() { return (int)store::orders.size(); }
[[kara::reads(Config)]] int read_config() { return store::config; }
[[kara::writes(Audit)]] void audit() { ++store::audit_count; }
[[kara::pure]] int square(int x) { return x * x; }

const int kTable[4] = {1, 2, 3, 4};
constexpr int kLimit = 10;

// 1. Reads shared between branches.
void shared_reads() {
  kara::par([] { (void)read_config(); }, [] { (void)read_config(); });
}

// 2. Disjoint resources: DB::Users and DB::Orders.
void disjoint_resources() {
  kara::par([] { add_user(1); }, [] { add_order(1); });
}

// 3. Three branches, pairwise disjoint.
void three_disjoint() {
  kara::par([] { add_user(2); }, [] { add_order(2); },
            [] { (void)read_config(); });
}

// 4. Const global data read everywhere.
void const_globals() {
  int a = 0, b = 0;
  kara::par([&] { a = kTable[0] + kLimit; }, [&] { b = kTable[3] + kLimit; });
  (void)a;
  (void)b;
}

// 5. A const local captured by reference by every branch.
void const_capture() {
  const std::vector<int> data{1, 2, 3, 4};
  int sum = 0, max = 0;
  kara::par([&] { for (int v : data) sum += v; },
            [&] { for (int v : data) max = v > max ? v : max; });
  (void)sum;
  (void)max;
}

// 6. Pure functions only.
void pure_branches() {
  auto [x, y] = kara::par([] { return square(3); }, [] { return square(4); });
  (void)x;
  (void)y;
}

// 7. Lambdas stored in variables before being passed, disjoint.
void stored_lambdas() {
  auto users = [] { add_user(3); };
  auto orders = [] { add_order(3); };
  kara::par(users, orders);
}

// 8. Named functions as branches.
void users_task() { add_user(4); }
void orders_task() { add_order(4); }
void named_functions() { kara::par(users_task, orders_task); }

// 9. By-copy captures are private copies, even when mutated.
void by_copy_mutable() {
  int seed = 1;
  kara::par([seed]() mutable { seed += 1; return seed; },
            [seed]() mutable { seed *= 2; return seed; });
}

// 10. Members of one object: different members in different branches.
struct Stats {
  int hits = 0;
  int misses = 0;
  void collect() {
    kara::par([this] { hits = square(2); }, [this] { misses = square(3); });
  }
};
void different_members() {
  Stats s;
  s.collect();
}

// 11. Distinct objects, same member function.
struct Counter {
  int n = 0;
  void bump() { ++n; }
};
void distinct_objects() {
  Counter a, b;
  kara::par([&] { a.bump(); }, [&] { b.bump(); });
}

// 12. Writes to a resource only after the join.
void write_after_join() {
  kara::par([] { (void)count_users(); }, [] { (void)count_users(); });
  add_user(5);
}

// 13. kara::race with reading branches.
void race_reads() {
  int r = kara::race([] { return count_users(); }, [] { return count_orders(); });
  (void)r;
}

// 14. A nested kara::par inside a branch, still disjoint from its sibling.
void nested_par() {
  kara::par([] { kara::par([] { add_user(6); }, [] { (void)read_config(); }); },
            [] { add_order(6); });
}

// 15. Unannotated helpers whose inferred effects are disjoint.
void helper_users() { add_user(7); }
void helper_orders() { add_order(7); }
void inferred_helpers() {
  kara::par([] { helper_users(); }, [] { helper_orders(); });
}

// 16. Writes to distinct local variables captured by reference.
void distinct_locals() {
  int x = 0, y = 0;
  kara::par([&] { x = square(5); }, [&] { y = square(6); });
  (void)x;
  (void)y;
}

// 17. One writer of Audit beside readers of other resources.
void one_writer_many_readers_of_config() {
  kara::par([] { audit(); }, [] { (void)read_config(); },
            [] { (void)count_orders(); });
}

// 18. A std::string built in each branch.
void local_strings() {
  std::string a, b;
  kara::par([&] { a = std::to_string(square(2)); },
            [&] { b = std::to_string(square(3)); });
}

#ifdef KARA_RUN
int main() {
  for (int round = 0; round < 20; ++round) {
    shared_reads();
    disjoint_resources();
    three_disjoint();
    const_globals();
    const_capture();
    pure_branches();
    stored_lambdas();
    named_functions();
    by_copy_mutable();
    different_members();
    distinct_objects();
    write_after_join();
    race_reads();
    nested_par();
    inferred_helpers();
    distinct_locals();
    one_writer_many_readers_of_config();
    local_strings();
  }
  return 0;
}
#endif
