// RUN: %check_kara_tidy %s kara-sendable %t -- -- -I%kara_runtime_include

// Accepted patterns of kara-sendable: nothing here may be reported (false
// positives are bugs). Compiled with -DKARA_RUN this is also a program that
// test/concurrency runs under ThreadSanitizer. The rejected counterparts are in kara-sendable.cpp,
// kara-sendable-scope.cpp, kara-sendable-unique.cpp and
// kara-sendable-classes.cpp.

#include <kara/runtime.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

[[kara::pure]] int compute(int);
[[kara::pure]] int total_of(const std::vector<int> &);
struct Point { int x, y; };
struct [[kara::sendable]] Money { long cents; std::string currency; };
struct Opted { int *p; using kara_sendable = void; };

// 1. Reads shared between branches.
void shared_reads(const std::vector<int> &v) {
  int base = 3;
  kara::par([&] { compute(base + v[0]); }, [&] { compute(base * total_of(v)); });
}

// 2. Const data captured by reference.
void const_data() {
  const int limit = 10;
  const std::vector<int> table{1, 2, 3};
  kara::par([&] { compute(limit + table[0]); }, [&] { compute(table[1]); });
}

// 3. Variables written only after the join.
void written_after_join() {
  int x = 0;
  kara::par([&] { compute(x); }, [&] { compute(x + 1); });
  x = 2;
}

// 4. Variables touched by the parent only after the scope ends.
void after_scope_end() {
  int result = 0;
  kara::scope([&](kara::nursery &n) { n.spawn([&] { result = compute(1); }); });
  compute(result);
}

// 5. kara::spawn: the parent touches the variable only after the join.
void after_join() {
  int x = 0;
  auto h = kara::spawn([&] { x = compute(2); });
  compute(3);
  h.join();
  compute(x);
}

// 6. Each branch writes its own variable.
void own_variables() {
  int a = 0, b = 0;
  kara::par([&] { a = compute(1); }, [&] { b = compute(2); });
  compute(a + b);
}

// 7. Sendable values captured by value.
void sendable_copies(std::string name, std::vector<double> xs, Point p) {
  std::map<std::string, int> counts;
  std::optional<Money> price;
  kara::par([name, xs, p, counts, price] { compute(p.x + (int)xs.size()); },
            [] { compute(0); });
}

// 8. Pointers to const data, function pointers, shared_ptr<const T>.
void const_pointers(const char *label, int (*fn)(int),
                    std::shared_ptr<const std::vector<int>> table) {
  auto h = kara::spawn([label, fn, table] { fn(label[0] + (*table)[0]); });
}

// 9. Opted-in types, by attribute, alias or specialisation.
struct BySpecialisation { int *p; };
template <> struct kara::enable_sendable<BySpecialisation> : std::true_type {};
void opted_in(Money m, Opted o, BySpecialisation s) {
  auto h = kara::spawn([m, o, s] { compute((int)m.cents); });
}

// 10. kara::unique moved into the task.
void unique_into_task() {
  auto g = kara::recover([] { return std::vector<int *>{}; });
  auto h = kara::spawn([g = std::move(g)]() mutable { compute((int)g.get().size()); });
}

// 11. Atomics and mutexes are made to be shared.
void synchronised() {
  std::atomic<int> hits{0};
  std::mutex m;
  int guarded = 0;
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 4; ++i)
      n.spawn([&] { hits.fetch_add(1); });
    hits.store(2);
  });
  compute(hits.load() + guarded);
}

// 12. Tasks writing different elements of a vector by index.
void disjoint_elements(std::vector<int> &out) {
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 4; ++i)
      n.spawn([&out, i] { out[i] = compute(i); });
  });
}

// 13. A loop that spawns tasks with their own copies.
void loop_with_copies(const std::vector<int> &v) {
  kara::scope([&](kara::nursery &n) {
    for (int x : v)
      n.spawn([x] { compute(x); });
  });
}

// 14. A lambda stored in a variable, capturing only what it reads.
void stored_reader(const std::vector<int> &v) {
  int scale = 2;
  auto left = [&] { compute(scale * v[0]); };
  auto right = [&] { compute(scale + v[1]); };
  kara::par(left, right);
}

// 15. Nested scopes, each joining before the outer code continues.
void nested_scopes() {
  int outer = 0;
  kara::scope([&](kara::nursery &n) {
    n.spawn([&] {
      int inner = 0;
      kara::scope([&](kara::nursery &m) { m.spawn([&] { inner = 1; }); });
      compute(inner);
    });
  });
  outer = 1;
  compute(outer);
}

// 16. A task spawned from a task, capturing the nursery and copies.
void task_from_task() {
  kara::scope([](kara::nursery &n) {
    n.spawn([&n] {
      int seed = compute(1);
      n.spawn([seed] { compute(seed); });
    });
  });
}

// 17. kara::map over values, capturing const data by reference.
void map_reads(const std::vector<int> &v) {
  const int offset = 4;
  auto r = kara::map([&](int x) { return x + offset; }, v);
}

// 18. `this` captured by a scope task, or by kara::spawn with the handle
// kept in a local and joined.
class Worker {
public:
  void run() {
    kara::scope([&](kara::nursery &n) { n.spawn([this] { step(); }); });
    auto h = kara::spawn([this] { step(); });
    h.join();
  }
  void step();
};

// 19. A handle in a member whose destructor joins it.
class Joined {
public:
  void start() { worker_ = kara::spawn([this] { step(); }); }
  ~Joined() { worker_.join(); }
  void step();

private:
  kara::join_handle<void> worker_;
};

// 20. `*this` copied into the task.
struct Config {
  int level;
  kara::join_handle<void> h;
  void start() { h = kara::spawn([*this] { compute(level); }); }
  Config(const Config &o) : level(o.level) {}
  Config() = default;
};

// 21. kara::recover from sendable captures.
void recover_from_values(int n, std::string name) {
  auto g = kara::recover([n, &name] { return std::vector<std::string>(n, name); });
}

// 22. Chrono values and enums by value.
enum class Mode { Fast, Slow };
void chrono_values(std::chrono::milliseconds timeout, Mode mode) {
  auto h = kara::spawn([timeout, mode] { compute((int)timeout.count()); });
}

// 23. A par whose branches only read through a pointer.
void read_through_pointer(std::vector<int> &v) {
  int *p = v.data();
  kara::par([&] { compute(p[0]); }, [&] { compute(p[1]); });
}

#ifdef KARA_RUN
#include <cstdio>
int compute(int x) { return x * 2 + 1; }
int total_of(const std::vector<int> &v) {
  int total = 0;
  for (int x : v)
    total += x;
  return total;
}
void Worker::step() { compute(1); }
void Joined::step() { compute(2); }

int main() {
  std::vector<int> v{1, 2, 3, 4};
  shared_reads(v);
  const_data();
  written_after_join();
  after_scope_end();
  after_join();
  own_variables();
  sendable_copies("name", {1.0, 2.0}, Point{1, 2});
  const_pointers("label", compute,
                 std::make_shared<const std::vector<int>>(v));
  opted_in(Money{100, "EUR"}, Opted{nullptr}, BySpecialisation{nullptr});
  unique_into_task();
  synchronised();
  disjoint_elements(v);
  loop_with_copies(v);
  stored_reader(v);
  nested_scopes();
  task_from_task();
  map_reads(v);
  Worker{}.run();
  {
    Joined joined;
    joined.start();
  }
  {
    Config config;
    config.level = 3;
    config.start();
  }
  recover_from_values(3, "x");
  chrono_values(std::chrono::milliseconds(5), Mode::Fast);
  read_through_pointer(v);
  std::printf("%d\n", total_of(v));
}
#endif
