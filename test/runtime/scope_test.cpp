#include "test_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

// Counts live tasks so tests can check that none outlives its scope.
struct live_counter {
  std::atomic<int> live{0};
  std::atomic<int> total{0};
  struct guard {
    live_counter &c;
    explicit guard(live_counter &c) : c(c) {
      c.live.fetch_add(1);
      c.total.fetch_add(1);
    }
    ~guard() { c.live.fetch_sub(1); }
  };
};

// Busy until cancelled, with a cancellable runtime wait in the loop so that a
// worker running it also runs other tasks (a pure spin would hold the worker
// and, on a 2-worker pool, keep the failing task from ever starting).
void spin_until_cancelled(std::chrono::milliseconds limit = 10s) {
  auto deadline = test_clock::now() + limit;
  while (test_clock::now() < deadline) {
    kara::this_task::checkpoint();
    kara::this_task::sleep_for(200us);
  }
}

TEST(Scope, ReturnsBodyResultAndJoinsAll) {
  live_counter c;
  int r = kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 100; ++i)
      (void)n.spawn([&] {
        live_counter::guard g(c);
        std::this_thread::sleep_for(100us);
      });
    return 42;
  });
  EXPECT_EQ(r, 42);
  EXPECT_EQ(c.live.load(), 0);
  EXPECT_EQ(c.total.load(), 100);
}

TEST(Scope, SpawnFromTasksOfTheScope) {
  live_counter c;
  // `fan` must outlive the body: the scope joins after the body returns.
  std::function<void(kara::nursery &, int)> fan = [&](kara::nursery &n,
                                                      int depth) {
    live_counter::guard g(c);
    if (depth == 0)
      return;
    for (int i = 0; i < 3; ++i)
      (void)n.spawn([&fan, &n, depth] { fan(n, depth - 1); });
  };
  kara::scope([&](kara::nursery &n) { (void)n.spawn([&] { fan(n, 5); }); });
  EXPECT_EQ(c.live.load(), 0);
  EXPECT_EQ(c.total.load(), 1 + 3 + 9 + 27 + 81 + 243);
}

TEST(Scope, HandlesJoinValuesAndErrors) {
  kara::scope([&](kara::nursery &n) {
    auto a = n.spawn([](int x) { return x * 2; }, 21);
    auto b = n.spawn([](std::string s) { return s + "!"; }, std::string("hi"));
    EXPECT_EQ(a.join(), 42);
    EXPECT_EQ(b.join(), "hi!");
  });
  EXPECT_THROW(kara::scope([&](kara::nursery &n) {
                 auto h =
                     n.spawn([]() -> int { throw std::runtime_error("t"); });
                 EXPECT_THROW(h.join(), std::runtime_error);
               }),
               std::runtime_error);
}

TEST(Scope, FirstErrorCancelsTheRestAndIsRethrown) {
  live_counter c;
  std::atomic<int> cancelled_seen{0};
  auto start = test_clock::now();
  try {
    kara::scope([&](kara::nursery &n) {
      for (int i = 0; i < 4; ++i)
        (void)n.spawn([&] {
          live_counter::guard g(c);
          try {
            spin_until_cancelled();
          } catch (const kara::cancelled &) {
            cancelled_seen.fetch_add(1);
            throw;
          }
        });
      (void)n.spawn([] {
        std::this_thread::sleep_for(2ms);
        throw std::runtime_error("first");
      });
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error &e) {
    EXPECT_STREQ(e.what(), "first");
  }
  EXPECT_EQ(c.live.load(), 0);
  // Tasks that had started observed the cancellation; the others were skipped.
  EXPECT_EQ(cancelled_seen.load(), c.total.load());
  EXPECT_LT(ms_since(start), 5000);
}

TEST(Scope, BodyExceptionWinsAndCancelsTasks) {
  live_counter c;
  EXPECT_THROW(kara::scope([&](kara::nursery &n) {
                 (void)n.spawn([&] {
                   live_counter::guard g(c);
                   spin_until_cancelled();
                 });
                 throw std::logic_error("body");
               }),
               std::logic_error);
  EXPECT_EQ(c.live.load(), 0);
}

TEST(Scope, CancelStopsTasksAndScopeReturnsNormally) {
  std::atomic<int> stopped{0};
  auto start = test_clock::now();
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 3; ++i)
      (void)n.spawn([&] {
        auto deadline = test_clock::now() + 10s;
        while (!kara::this_task::stop_requested() &&
               test_clock::now() < deadline)
          std::this_thread::yield();
        stopped.fetch_add(1);
      });
    std::this_thread::sleep_for(5ms);
    n.cancel();
    EXPECT_TRUE(n.cancelled());
    EXPECT_TRUE(kara::this_task::stop_requested()); // the body is in the scope
  });
  EXPECT_LT(ms_since(start), 5000);
  EXPECT_LE(stopped.load(), 3); // skipped tasks never ran
}

TEST(Scope, HandleCancelOnlyThatTask) {
  kara::scope([&](kara::nursery &n) {
    auto victim = n.spawn([] { spin_until_cancelled(); });
    auto other = n.spawn([] { return 5; });
    victim.cancel();
    EXPECT_THROW(victim.join(), kara::cancelled);
    EXPECT_EQ(other.join(), 5);
    EXPECT_FALSE(n.cancelled());
  });
}

TEST(Scope, NestedScopesInheritCancellation) {
  std::atomic<bool> inner_started{false}, inner_saw{false};
  auto start = test_clock::now();
  kara::scope([&](kara::nursery &outer) {
    (void)outer.spawn([&] {
      kara::scope([&](kara::nursery &inner) {
        (void)inner.spawn([&] {
          inner_started = true;
          auto deadline = test_clock::now() + 10s;
          while (!kara::this_task::stop_requested() &&
                 test_clock::now() < deadline)
            std::this_thread::yield();
          inner_saw = kara::this_task::stop_requested();
        });
      });
    });
    auto deadline = test_clock::now() + 2s;
    while (!inner_started.load() && test_clock::now() < deadline)
      std::this_thread::yield();
    outer.cancel();
  });
  EXPECT_LT(ms_since(start), 5000);
  EXPECT_TRUE(inner_started.load());
  EXPECT_TRUE(inner_saw.load());
}

TEST(Scope, CascadeParInsideScopeInsidePar) {
  if (kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers";
  std::atomic<int> saw{0};
  std::atomic<int> started{0};
  auto wait_stop = [&] {
    started.fetch_add(1);
    auto deadline = test_clock::now() + 10s;
    while (!kara::this_task::stop_requested() && test_clock::now() < deadline)
      std::this_thread::yield();
    if (kara::this_task::stop_requested())
      saw.fetch_add(1);
  };
  auto start = test_clock::now();
  EXPECT_THROW(kara::par(
                   [&] {
                     kara::scope([&](kara::nursery &n) {
                       (void)n.spawn([&] { kara::par(wait_stop, wait_stop); });
                       wait_stop();
                     });
                   },
                   [&] {
                     auto deadline = test_clock::now() + 2s;
                     while (started.load() < 1 && test_clock::now() < deadline)
                       std::this_thread::yield();
                     throw std::runtime_error("outer");
                   }),
               std::runtime_error);
  EXPECT_LT(ms_since(start), 8000);
  EXPECT_EQ(saw.load(), started.load())
      << "a started branch missed the cascade";
  EXPECT_GE(started.load(), 1);
}

TEST(Spawn, HandleDestructorCancelsAndJoins) {
  std::atomic<bool> exited{false};
  {
    auto h = kara::spawn([&] {
      auto deadline = test_clock::now() + 10s;
      while (!kara::this_task::stop_requested() && test_clock::now() < deadline)
        std::this_thread::yield();
      exited = true;
    });
    std::this_thread::sleep_for(2ms);
  }
  // Either it ran and exited on cancellation, or it was skipped before start;
  // in both cases nothing runs any more. Check that it really is not running:
  bool snapshot = exited.load();
  std::this_thread::sleep_for(5ms);
  EXPECT_EQ(snapshot, exited.load());
}

TEST(Spawn, JoinReturnsValueAndMovesArgs) {
  auto h = kara::spawn([](std::vector<int> v, int k) { return v.size() * k; },
                       std::vector<int>{1, 2, 3}, 2);
  EXPECT_EQ(h.join(), 6u);
  auto e = kara::spawn([]() -> int { throw std::runtime_error("e"); });
  EXPECT_THROW(e.join(), std::runtime_error);
}

TEST(Spawn, ChildOfCurrentTask) {
  std::atomic<bool> started{false}, saw{false};
  auto start = test_clock::now();
  EXPECT_THROW(kara::scope([&](kara::nursery &n) {
                 (void)n.spawn([&] {
                   auto h = kara::spawn([&] {
                     started = true;
                     auto deadline = test_clock::now() + 10s;
                     while (!kara::this_task::stop_requested() &&
                            test_clock::now() < deadline)
                       std::this_thread::yield();
                     saw = kara::this_task::stop_requested();
                   });
                   std::this_thread::sleep_for(2ms);
                   throw std::runtime_error("parent fails"); // ~h cancels+joins
                 });
               }),
               std::runtime_error);
  EXPECT_LT(ms_since(start), 5000);
  EXPECT_EQ(started.load(), saw.load());
}

TEST(Cancellation, CheckpointThrows) {
  EXPECT_NO_THROW(kara::this_task::checkpoint()); // outside any task
  EXPECT_FALSE(kara::this_task::stop_requested());
  kara::scope([&](kara::nursery &n) {
    n.cancel();
    EXPECT_THROW(kara::this_task::checkpoint(), kara::cancelled);
  });
}

TEST(Cancellation, SleepWakesOnCancel) {
  auto start = test_clock::now();
  kara::scope([&](kara::nursery &n) {
    (void)n.spawn([] { kara::this_task::sleep_for(10s); });
    (void)n.spawn_blocking([] { kara::this_task::sleep_for(10s); });
    std::this_thread::sleep_for(20ms);
    n.cancel();
  });
  EXPECT_LT(ms_since(start), 3000);
}

TEST(Cancellation, SleepSleeps) {
  auto start = test_clock::now();
  kara::this_task::sleep_for(20ms);
  EXPECT_GE(ms_since(start), 19.0);
  auto h = kara::spawn([] {
    auto s = test_clock::now();
    kara::this_task::sleep_for(20ms);
    return ms_since(s);
  });
  EXPECT_GE(h.join(), 19.0);
}

TEST(Cancellation, Storm) {
  const int rounds = static_cast<int>(200 / kStressScale) + 5;
  for (int r = 0; r < rounds; ++r) {
    live_counter c;
    try {
      kara::scope([&](kara::nursery &n) {
        for (int i = 0; i < 16; ++i)
          (void)n.spawn([&, i] {
            live_counter::guard g(c);
            auto [a, b] = kara::par(
                [&] {
                  for (int k = 0; k < 1000; ++k)
                    kara::this_task::checkpoint();
                  return 1;
                },
                [&] {
                  if (i == r % 16)
                    throw std::runtime_error("storm");
                  return 2;
                });
            (void)a;
            (void)b;
          });
      });
    } catch (const std::runtime_error &) {
    }
    ASSERT_EQ(c.live.load(), 0);
  }
}

TEST(Stress, ManySpawnsBoundedMemory) {
  auto rss_kb = [] {
    long pages = 0, resident = 0;
    if (FILE *f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
      std::fclose(f);
    }
    return resident * 4;
  };
  const int per_round = static_cast<int>(100'000 / kStressScale);
  std::atomic<long> sum{0};
  long before = 0;
  for (int round = 0; round < 6; ++round) {
    if (round == 2)
      before = rss_kb(); // after warm-up
    kara::scope([&](kara::nursery &n) {
      for (int i = 0; i < per_round; ++i)
        (void)n.spawn(
            [&sum](int v) { sum.fetch_add(v, std::memory_order_relaxed); }, 1);
    });
  }
  EXPECT_EQ(sum.load(), 6L * per_round);
  long growth = rss_kb() - before;
  EXPECT_LT(growth, 64 * 1024) << "RSS grew by " << growth << " KiB";
}

} // namespace
