// RUN: %check_kara_tidy %s kara-par-conflict,kara-sendable %t -- -- -std=c++20 -I%kara_runtime_include
// Actors in kara-par-conflict (SPEC §8): messages to one actor are
// serialised by the runtime and never race with each other; the actor's
// state is not a resource of its callers. The runtime's own par_forced is a
// kara::par like any other (RuntimeApi.def).

#include <kara/annotations.hpp>
#include <kara/runtime.hpp>

#include <vector>

[[kara::writes(UserDB)]] void save_user(int id);

struct Counter {
  int n = 0;
  void add(int d) { n += d; }
  int get() const { return n; }
};

kara::actor<Counter> shared_counter;

// --- accepted ----------------------------------------------------------------

// Two branches send to the same local actor.
void same_actor() {
  kara::actor<Counter> c;
  kara::par([&] { c.send(&Counter::add, 1); }, [&] { c.send(&Counter::add, 2); });
}

// A send and an ask of one actor through a reference parameter.
int same_actor_param(kara::actor<Counter> &c) {
  auto [v] = kara::par([&] { c.send(&Counter::add, 1); },
                       [&] { return c.call(&Counter::get); });
  return v;
}

// A global actor: still serialised.
void global_actor() {
  kara::par([] { shared_counter.send(&Counter::add, 1); },
            [] { shared_counter.send(&Counter::add, 2); });
}

// Tasks of a scope send to one actor while the parent asks it.
int scope_tasks(kara::actor<Counter> c) {
  return kara::scope([&](kara::nursery &n) {
    n.spawn([&] { c.send(&Counter::add, 1); });
    n.spawn([&] { c.send(&Counter::add, 2); });
    return c.call(&Counter::get);
  });
}

// The handler writes the actor's state: no effect of the callers.
struct Account {
  int balance = 0;
  void deposit(int d) { balance += d; }
};
void actor_state_is_not_shared(kara::actor<Account> &a) {
  kara::par([&] { a.send(&Account::deposit, 1); },
            [&] { a.send(&Account::deposit, 2); });
}

// A channel is an ordered, synchronised queue as well.
void channel_sends(kara::channel<int> &ch) {
  kara::par([&] { ch.send(1); }, [&] { ch.send(2); });
}

// The state's constructor copies what it is given.
struct Copier {
  std::vector<int> data;
  explicit Copier(const std::vector<int> &d) : data(d) {}
  void add(int d) { data.push_back(d); }
};
void copied_into_state() {
  std::vector<int> v;
  kara::actor<Copier> a(v);
  a.send(&Copier::add, 1);
  v.push_back(2);
}

// A reference handed to the state and never used again by the caller.
struct Writer {
  std::vector<int> &out;
  explicit Writer(std::vector<int> &o) : out(o) {}
  void put(int v) { out.push_back(v); }
};
void handed_over(std::vector<int> &v) {
  kara::actor<Writer> w(v);
  w.send(&Writer::put, 1);
}

// --- rejected ----------------------------------------------------------------

// Caller data bound to a reference the actor's state keeps, then used by the
// caller while the actor's messages use it too.
int shared_with_actor() {
  std::vector<int> v;
  kara::actor<Writer> w(v);
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 'v' is shared with the actor: it is passed by reference to the constructor of 'Writer', which may keep it, and the caller uses it afterwards; the actor's messages would touch it while the caller does (a data race): pass a copy or a kara::unique and reach the data through messages [kara-par-conflict]
  w.send(&Writer::put, 1);
  return static_cast<int>(v.size());
// CHECK-MESSAGES: :[[@LINE-1]]:27: note: the caller uses 'v' here
}

// A message does not make the rest of a branch safe.
void message_and_race() {
  kara::actor<Counter> c;
  kara::par([&] { c.send(&Counter::add, 1); save_user(1); },
            [&] { save_user(2); });
}
// CHECK-MESSAGES: :[[@LINE-3]]:3: warning: kara::par branches 1 and 2 conflict on UserDB: branch 1 writes(UserDB), branch 2 writes(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :[[@LINE-4]]:13: note: branch 1 of kara::par writes(UserDB)
// CHECK-MESSAGES: :[[@LINE-5]]:45: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :12:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :[[@LINE-6]]:13: note: branch 2 of kara::par writes(UserDB)
// CHECK-MESSAGES: :[[@LINE-7]]:19: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :12:31: note: 'save_user' is declared writes(UserDB) here

// kara::detail::par_forced is a kara::par: kara-par-conflict checks it too
// (it used to check only kara::par, while kara-sendable's race rule
// covered par_forced).
void forced() {
  kara::detail::par_forced([] { save_user(1); }, [] { save_user(2); });
}
// CHECK-MESSAGES: :[[@LINE-2]]:3: warning: kara::par branches 1 and 2 conflict on UserDB: branch 1 writes(UserDB), branch 2 writes(UserDB) [kara-par-conflict]
// CHECK-MESSAGES: :[[@LINE-3]]:28: note: branch 1 of kara::par writes(UserDB)
// CHECK-MESSAGES: :[[@LINE-4]]:33: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :12:31: note: 'save_user' is declared writes(UserDB) here
// CHECK-MESSAGES: :[[@LINE-6]]:50: note: branch 2 of kara::par writes(UserDB)
// CHECK-MESSAGES: :[[@LINE-7]]:55: note: calls 'save_user', which writes(UserDB)
// CHECK-MESSAGES: :12:31: note: 'save_user' is declared writes(UserDB) here
