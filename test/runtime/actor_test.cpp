#include "wait_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Account {
  explicit Account(long b) : balance(b) {}
  void deposit(long x) { balance += x; }
  bool withdraw(long x) {
    if (x > balance)
      return false;
    balance -= x;
    return true;
  }
  long get() const { return balance; }
  void fail() { throw std::runtime_error("bad"); }
  long balance;
};

TEST(Actor, SendAskCall) {
  kara::actor<Account> a(100L);
  a.send(&Account::deposit, 50);
  kara::future<long> f = a.ask(&Account::get);
  EXPECT_EQ(f.get(), 150);
  EXPECT_TRUE(a.call(&Account::withdraw, 30L));
  EXPECT_FALSE(a.call(&Account::withdraw, 1000L));
  EXPECT_EQ(a.call(&Account::get), 120);
}

struct Empty {
  void ping() {}
};
static_assert(kara::actor<Empty>::footprint <= 256,
              "an idle actor must cost at most 256 bytes plus its T");
static_assert(sizeof(kara::actor<Empty>) == sizeof(void *),
              "a handle is one pointer");
static_assert(kara::is_sendable_v<kara::actor<Account>>,
              "actor handles cross task boundaries");
static_assert(kara::is_sendable_v<kara::future<int>>);
static_assert(!kara::is_sendable_v<kara::future<int *>>);

TEST(Actor, IdleFootprint) {
  EXPECT_LE(kara::actor<Empty>::footprint, 256u);
  EXPECT_LE(kara::actor<Account>::footprint - sizeof(Account), 256u);
}

// Each sender's messages arrive in the order it sent them.
struct Recorder {
  explicit Recorder(int senders) : last(senders, -1) {}
  void note(int sender, int seq) {
    if (seq != last[sender] + 1)
      ++out_of_order;
    last[sender] = seq;
    ++total;
  }
  std::vector<int> last;
  long out_of_order = 0;
  long total = 0;
  long get_total() const { return total; }
  long get_out_of_order() const { return out_of_order; }
};

TEST(Actor, FifoPerSender) {
  constexpr int senders = 4;
  const int per = static_cast<int>(20000 / kStressScale);
  kara::actor<Recorder> r(senders);
  std::vector<std::thread> threads;
  for (int s = 0; s < senders; ++s)
    threads.emplace_back([r, s, per] {
      for (int i = 0; i < per; ++i)
        r.send(&Recorder::note, s, i);
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(r.call(&Recorder::get_total), long{senders} * per);
  EXPECT_EQ(r.call(&Recorder::get_out_of_order), 0);
}

// Handlers of one actor never overlap, whichever workers run them.
struct Exclusive {
  void enter() {
    if (inside.fetch_add(1) != 0)
      overlaps.fetch_add(1);
    for (int i = 0; i < 50; ++i)
      std::atomic_signal_fence(std::memory_order_seq_cst);
    inside.fetch_sub(1);
  }
  long get_overlaps() const { return overlaps.load(); }
  std::atomic<int> inside{0};
  std::atomic<long> overlaps{0};
};

TEST(Actor, HandlersRunOneAtATime) {
  kara::actor<Exclusive> e;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([e] {
      for (int i = 0; i < static_cast<int>(20000 / kStressScale); ++i)
        e.send(&Exclusive::enter);
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(e.call(&Exclusive::get_overlaps), 0);
}

struct Counter {
  void add(long x) { n += x; }
  long get() const { return n; }
  long n = 0;
};

// 10^6 sends from 8 producers (10^5 under sanitizers): none lost, none run
// twice.
TEST(Actor, NoLostMessagesEightProducers) {
  constexpr int producers = 8;
  const long per = static_cast<long>(1000000 / kStressScale / producers);
  kara::actor<Counter> c;
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([c, per] {
      for (long i = 0; i < per; ++i)
        c.send(&Counter::add, 1L);
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(c.call(&Counter::get), producers * per);
}

// Producers that are pool tasks, with asks mixed in.
TEST(Actor, ProducersOnThePool) {
  kara::actor<Counter> c;
  const long per = static_cast<long>(20000 / kStressScale);
  kara::scope([&](kara::nursery &n) {
    for (int p = 0; p < 8; ++p)
      (void)n.spawn([c, per] {
        for (long i = 0; i < per; ++i) {
          c.send(&Counter::add, 2L);
          if (i % 1000 == 0)
            (void)c.call(&Counter::get);
        }
      });
  });
  EXPECT_EQ(c.call(&Counter::get), 8 * per * 2);
}

std::atomic<int> g_ran{0}, g_seen_at_death{0};
struct Tracked {
  Tracked() { g_ran = 0, g_seen_at_death = 0; }
  ~Tracked() { g_seen_at_death.store(g_ran.load() + 1000000); }
  void work() {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    g_ran.fetch_add(1);
  }
};

// The actor ends only when its last handle is gone and its mailbox drained.
TEST(Actor, LivesUntilLastHandleAndDrained) {
  {
    kara::actor<Tracked> a;
    kara::actor<Tracked> b = a;
    for (int i = 0; i < 50; ++i)
      b.send(&Tracked::work);
  } // handles gone, messages still queued
  for (int i = 0; i < 20000 && g_seen_at_death.load() == 0; ++i)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(g_seen_at_death.load(), 1000000 + 50)
      << "destroyed before draining";
  EXPECT_EQ(g_ran.load(), 50);
}

TEST(Actor, DestroyedAtOnceWhenIdle) {
  { kara::actor<Tracked> a; }
  EXPECT_EQ(g_seen_at_death.load(), 1000000);
}

TEST(Actor, AskFailsWithTheHandlersException) {
  kara::actor<Account> a(1L);
  kara::future<void> f = a.ask(&Account::fail);
  EXPECT_THROW(f.get(), std::runtime_error);
  EXPECT_EQ(a.call(&Account::get), 1) << "the actor goes on after a failure";
}

std::atomic<int> g_send_errors{0};
TEST(Actor, SendExceptionGoesToTheHandler) {
  g_send_errors = 0;
  kara::send_error_handler old =
      kara::set_send_error_handler([](std::exception_ptr e) noexcept {
        try {
          std::rethrow_exception(e);
        } catch (const std::runtime_error &) {
          g_send_errors.fetch_add(1);
        }
      });
  kara::actor<Account> a(1L);
  a.send(&Account::fail);
  a.send(&Account::fail);
  EXPECT_EQ(a.call(&Account::get), 1);
  EXPECT_EQ(g_send_errors.load(), 2);
  kara::set_send_error_handler(old);
}

#if !defined(KARA_TEST_SANITIZER)
TEST(ActorDeathTest, UnhandledSendExceptionTerminates) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        kara::actor<Account> a(1L);
        a.send(&Account::fail);
        (void)a.call(&Account::get);
      },
      "kara::actor: a send\\(\\) handler threw .*: bad");
}
#endif

struct Owner {
  void take(kara::unique<std::vector<int>> v) { total += v.get().size(); }
  std::size_t get() const { return total; }
  std::size_t total = 0;
};

TEST(Actor, UniqueArgumentsAndConstruction) {
  kara::actor<Owner> a;
  a.send(&Owner::take, kara::recover([] { return std::vector<int>(7); }));
  EXPECT_EQ(a.call(&Owner::get), 7u);
  struct Holder {
    explicit Holder(kara::unique<std::string> s)
        : s(kara::unwrap(std::move(s))) {}
    std::size_t size() const { return s.size(); }
    std::string s;
  };
  kara::actor<Holder> h(kara::recover([] { return std::string("abc"); }));
  EXPECT_EQ(h.call(&Holder::size), 3u);
}

// One actor's handler calls another (on a worker the wait runs the other
// actor's messages), also with a single worker.
struct Bank {
  explicit Bank(kara::actor<Account> acc) : acc(std::move(acc)) {}
  long transfer(long x) {
    acc.send(&Account::deposit, x);
    return acc.call(&Account::get);
  }
  kara::actor<Account> acc;
};

TEST(Actor, HandlerCallsAnotherActor) {
  kara::actor<Account> acc(0L);
  kara::actor<Bank> bank(acc);
  long last = 0;
  for (int i = 1; i <= 100; ++i)
    last = bank.call(&Bank::transfer, 1L);
  EXPECT_EQ(last, 100);
}

// A call that could never return is refused instead of hanging.
struct Selfish {
  long get() const { return 1; }
  long ask_myself(kara::actor<Selfish> me) { return me.call(&Selfish::get); }
};

TEST(Actor, CallCycleIsReported) {
  kara::actor<Selfish> s;
  kara::future<long> f = s.ask(&Selfish::ask_myself, s);
  EXPECT_THROW(f.get(), kara::call_cycle);
  EXPECT_EQ(s.call(&Selfish::get), 1) << "the actor still works";
}

TEST(Actor, HandlesCopiedAcrossThreads) {
  kara::actor<Counter> c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([c] {
      for (int i = 0; i < 1000; ++i) {
        kara::actor<Counter> copy = c;
        copy.send(&Counter::add, 1L);
      }
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(c.call(&Counter::get), 4000);
}

TEST(Actor, ManyActors) {
  std::vector<kara::actor<Counter>> actors(
      static_cast<std::size_t>(10000 / kStressScale));
  for (auto &a : actors)
    a.send(&Counter::add, 3L);
  long total = 0;
  for (auto &a : actors)
    total += a.call(&Counter::get);
  EXPECT_EQ(total, 3 * static_cast<long>(actors.size()));
}

} // namespace
