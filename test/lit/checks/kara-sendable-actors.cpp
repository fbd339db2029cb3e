// RUN: %check_kara_tidy %s kara-sendable %t -- -- -std=c++20 -I%kara_runtime_include
// Actors, channels and promises in kara-sendable (SPEC §8, issue 14): a
// message, a new actor, a channel and a promise are spawn boundaries like a
// task, so a kara::unique moved into one is gone (RuntimeApi.def, FirstSent).

#include <kara/runtime.hpp>

#include <vector>

struct Graph { std::vector<int> nodes; };
void walk(Graph &);

struct Store {
  std::vector<kara::unique<Graph>> graphs;
  void take(kara::unique<Graph> g) { graphs.push_back(std::move(g)); }
  int count() const { return static_cast<int>(graphs.size()); }
};

struct Holder {
  kara::unique<Graph> g;
  explicit Holder(kara::unique<Graph> g) : g(std::move(g)) {}
  void poke() {}
};

// --- rejected ----------------------------------------------------------------

void used_after_message(kara::actor<Store> &s) {
  auto g = kara::recover([] { return Graph{}; });
  s.send(&Store::take, std::move(g));
  walk(g.get());
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'g' is used after it was moved into a message to an actor; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:34: note: moved into a message to an actor here
}

int used_after_ask(kara::actor<Store> &s) {
  auto g = kara::recover([] { return Graph{}; });
  kara::future<void> f = s.ask(&Store::take, std::move(g));
  f.get();
  walk(g.get());
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'g' is used after it was moved into a message to an actor; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-4]]:56: note: moved into a message to an actor here
  return s.call(&Store::count);
}

void used_after_actor_construction() {
  auto g = kara::recover([] { return Graph{}; });
  kara::actor<Holder> h(std::move(g));
  walk(g.get());
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'g' is used after it was moved into a new actor; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:35: note: moved into a new actor here
  h.send(&Holder::poke);
}

void used_after_channel_send(kara::channel<kara::unique<Graph>> &ch) {
  auto g = kara::recover([] { return Graph{}; });
  ch.send(std::move(g));
  walk(g.get());
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'g' is used after it was moved into a channel; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:21: note: moved into a channel here
}

void used_after_promise(kara::promise<kara::unique<Graph>> &p) {
  auto g = kara::recover([] { return Graph{}; });
  p.set_value(std::move(g));
  walk(g.get());
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: 'g' is used after it was moved into a promise; it holds no value any more (reassign it with kara::recover before using it again) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:25: note: moved into a promise here
}

// kara::detail::par_forced is a kara::par for kara-sendable's capture rule
// too (RuntimeApi.def has one row for it; kara-sendable's list used to miss
// it).
void forced_capture(int *out) {
  kara::detail::par_forced([out] { *out = 1; }, [] {});
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'out' is captured by value into a branch of kara::par but is not sendable: raw pointer 'int *'; capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
}

// --- accepted ----------------------------------------------------------------

// Reassigned before the next use.
void reassigned(kara::actor<Store> &s) {
  auto g = kara::recover([] { return Graph{}; });
  s.send(&Store::take, std::move(g));
  g = kara::recover([] { return Graph{}; });
  walk(g.get());
}

// Actor handles are sendable values and may be captured by copy.
void handle_copies(kara::actor<Store> s) {
  auto h = kara::spawn([s] { (void)s.call(&Store::count); });
  kara::channel<int> ch(4);
  auto t = kara::spawn([ch] { ch.send(1); });
}

// Two tasks send to one actor they capture by reference: serialised.
void two_tasks_one_actor() {
  kara::actor<Store> s;
  kara::scope([&](kara::nursery &n) {
    n.spawn([&] { s.send(&Store::take, kara::recover([] { return Graph{}; })); });
    n.spawn([&] { s.send(&Store::take, kara::recover([] { return Graph{}; })); });
  });
}
