// The lazy path of nursery::spawn and kara::spawn (docs/runtime.md, "Lazy
// spawn"): tasks kept in the private part of the spawner's deque, the
// monitor's claim that publishes them, the nursery's counting without RMWs
// (tasks spawned and ended on the scope's thread) and the handle that frees
// a finished task without an RMW. None asserts a duration: each would hang
// until its limit (and fail), give a wrong count, or trip ASan without the
// structure it tests.
#include "test_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

#if defined(__SANITIZE_THREAD__)
#define KARA_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KARA_TEST_TSAN 1
#endif
#endif

// ThreadSanitizer builds queue every task as shared (no private parts).
bool lazy_expected() {
#if defined(KARA_TEST_TSAN)
  return false;
#endif
  for (const char *var : {"KARA_MONITOR", "KARA_LAZY_SPAWN"})
    if (const char *v = std::getenv(var); v != nullptr && v[0] == '0')
      return false;
  return true;
}

// Spins until `pred()` or `limit`; false on timeout.
template <class P> bool spin_until(P pred, std::chrono::milliseconds limit) {
  auto deadline = test_clock::now() + limit;
  while (!pred())
    if (test_clock::now() > deadline)
      return false;
  return true;
}

TEST(LazySpawn, PrivateDequesAreOnWhereTheyCanBeClaimed) {
  (void)kara::spawn([] {}).join(); // starts the pool
  EXPECT_EQ(kara::detail::stats().lazy, lazy_expected());
}

TEST(LazySpawn, TheMonitorPublishesPrivateTasksForAnIdleWorker) {
  // Worker B is busy when A spawns, so the task stays in A's private part;
  // then B becomes idle while A spins without any runtime call (no push, no
  // join, no wait). Only the monitor's claim lets B take the task; without
  // it A spins until its limit.
  if (kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers";
  std::atomic<bool> hog_stop{false}, hog_running{false}, ran{false};
  const auto before = kara::detail::stats().claims;
  bool spun_ok = false;
  auto hog = kara::spawn([&] {
    hog_running = true;
    while (!hog_stop.load())
      std::this_thread::yield();
  });
  auto owner = kara::spawn([&] {
    (void)spin_until([&] { return hog_running.load(); }, 10s);
    (void)spin_until([] { return kara::detail::g_idle.value.load() == 0; }, 2s);
    kara::scope([&](kara::nursery &n) {
      n.spawn([&] { ran = true; });
      hog_stop = true; // B goes idle; the task is not published by A
      spun_ok = spin_until(
          [&] { return ran.load(); },
          std::chrono::milliseconds(static_cast<long>(10000 * kTimeSlack)));
    });
  });
  owner.join();
  hog.join();
  EXPECT_TRUE(spun_ok) << "the idle worker never got the private task";
  EXPECT_TRUE(ran.load());
  if (lazy_expected() && kara::thread_count() == 2)
    EXPECT_GT(kara::detail::stats().claims, before);
}

TEST(LazySpawn, ManyScopesReuseTaskMemory) {
  // 20 000 scopes of five tasks, one spawned from a task: every block comes
  // back to the thread's cache and is reused (ASan sees any use after free).
  const long rounds = 20'000 / static_cast<long>(kStressScale);
  long total = 0;
  auto h = kara::spawn([&] {
    for (long r = 0; r < rounds; ++r)
      total += kara::scope([r](kara::nursery &n) {
        auto a = n.spawn([r] { return r; });
        auto b = n.spawn([&n, r] {
          auto c = n.spawn([r] { return 2 * r; });
          return r + c.join();
        });
        n.spawn([] {}); // dropped handle of a task not yet run
        auto d = n.spawn([](long x) { return x + 1; }, r);
        return a.join() + b.join() + d.join();
      });
  });
  h.join();
  // Sum over r of r + 3r + (r + 1) = 5r + 1.
  EXPECT_EQ(total, 5 * (rounds * (rounds - 1) / 2) + rounds);
}

TEST(LazySpawn, HandlesDroppedBeforeTheirTasksEnd) {
  // The task ends after its handle is gone, on another thread or on this
  // one: whichever is last frees the state, exactly once.
  std::atomic<int> ran{0};
  std::atomic<bool> go{false}; // outlives the body: tasks read it after
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 200; ++i)
      n.spawn([&] {
        while (!go.load())
          std::this_thread::yield();
        ran.fetch_add(1);
      });
    go = true;
  });
  EXPECT_EQ(ran.load(), 200);
  // Handles dropped after their task ended: the handle frees the state.
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 200; ++i) {
      auto h = n.spawn([&] { ran.fetch_add(1); });
      while (!h.done())
        std::this_thread::yield(); // another worker, or the monitor's spare
    }
  });
  EXPECT_EQ(ran.load(), 400);
}

TEST(LazySpawn, ScopeWaitsForLocalAndRemoteEnds) {
  // Tasks spawned on the scope's thread that end there (plain count), end
  // on another worker (the biased atomic count), or are spawned by tasks
  // on other threads: the scope returns only after all of them.
  for (int rep = 0; rep < 20; ++rep) {
    std::atomic<int> ended{0};
    auto body = [&](kara::nursery &n) {
      for (int i = 0; i < 64; ++i)
        n.spawn([&, i] {
          if (i % 8 == 0)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
          if (i % 16 == 0)
            n.spawn([&] { ended.fetch_add(1); });
          ended.fetch_add(1);
        });
    };
    kara::scope(body); // from main: every task ends on a worker
    EXPECT_EQ(ended.load(), 64 + 4);
    ended = 0;
    kara::spawn([&] { kara::scope(body); }).join(); // from a worker
    EXPECT_EQ(ended.load(), 64 + 4);
  }
}

TEST(LazySpawn, ErrorsAndCancellationOnThePrivatePath) {
  // On one worker every task below is private until the body's join.
  auto h = kara::spawn([] {
    int skipped = 0;
    try {
      kara::scope([&](kara::nursery &n) {
        auto later = n.spawn([] { return 1; });
        auto failing = n.spawn([]() -> int { throw std::runtime_error("x"); });
        auto cancelled_one = n.spawn([] { return 2; });
        cancelled_one.cancel(); // before it runs
        try {
          (void)cancelled_one.join();
        } catch (const kara::cancelled &) {
          ++skipped;
        }
        EXPECT_THROW((void)failing.join(), std::runtime_error);
        try {
          (void)later.join(); // skipped by the scope's cancellation, or ran
        } catch (const kara::cancelled &) {
          ++skipped;
        }
      });
      ADD_FAILURE() << "the scope did not rethrow";
    } catch (const std::runtime_error &e) {
      EXPECT_STREQ(e.what(), "x");
    }
    return skipped;
  });
  EXPECT_GE(h.join(), 1);
  // n.cancel() with private tasks queued: they are skipped, the scope ends.
  std::atomic<int> ran{0};
  kara::spawn([&] {
    kara::scope([&](kara::nursery &n) {
      for (int i = 0; i < 100; ++i)
        n.spawn([&] { ran.fetch_add(1); });
      n.cancel();
    });
  }).join();
  EXPECT_LE(ran.load(), 100);
}

} // namespace
