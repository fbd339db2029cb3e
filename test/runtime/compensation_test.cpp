// Blocking nobody marked (SPEC §5): the pool notices a worker blocked in the
// OS and lets another thread take its place, bounded by KARA_MAX_THREADS;
// detail::blocking_region makes that immediate. And the lazy path of
// nursery::spawn. None of these tests asserts a duration: each would wait
// for its timeout (and fail) without the feature.
#include "test_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

// A barrier in plain OS terms (std::mutex + std::condition_variable): what a
// database driver or HTTP client does, invisible to the runtime.
class os_barrier {
public:
  explicit os_barrier(int parties) : left_(parties) {}
  /// Arrives and waits for everyone; false on timeout.
  bool arrive_and_wait(std::chrono::milliseconds limit = 10s) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (--left_ == 0)
      cv_.notify_all();
    return cv_.wait_for(lock, limit, [&] { return left_ <= 0; });
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int left_;
};

class os_latch {
public:
  void open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds limit = 10s) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return open_; });
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

bool monitor_on() {
  const char *env = std::getenv("KARA_MONITOR");
  return env == nullptr || std::string(env) != "0";
}

TEST(Compensation, UnmarkedBlockingBranchesOfOneParOverlap) {
  if (!monitor_on())
    GTEST_SKIP() << "KARA_MONITOR=0";
  // Each branch blocks until all three have arrived: with fewer than three
  // workers and no compensation, the third never starts.
  kara::par([] {}, [] {}); // start the pool
  if (kara::detail::stats().max_threads < 3)
    GTEST_SKIP() << "KARA_MAX_THREADS below 3: the branches cannot all meet";
  os_barrier barrier(3);
  std::atomic<int> met{0};
  auto branch = [&] { met += barrier.arrive_and_wait() ? 1 : 0; };
  kara::par(branch, branch, branch);
  EXPECT_EQ(met.load(), 3);
}

TEST(Compensation, MapOfMoreBlockingElementsThanWorkers) {
  if (!monitor_on())
    GTEST_SKIP() << "KARA_MONITOR=0";
  const int n = static_cast<int>(kara::thread_count()) + 3;
  kara::par([] {}, [] {}); // start the pool
  if (kara::detail::stats().max_threads < static_cast<unsigned>(n))
    GTEST_SKIP() << "KARA_MAX_THREADS below " << n << ": they cannot all meet";
  os_barrier barrier(n);
  std::vector<int> items(static_cast<std::size_t>(n));
  std::vector<int> met =
      kara::map([&](int) { return barrier.arrive_and_wait() ? 1 : 0; }, items);
  for (int m : met)
    EXPECT_EQ(m, 1);
}

TEST(Compensation, SiblingsOfABlockedBranchAreCancelled) {
  if (!monitor_on())
    GTEST_SKIP() << "KARA_MONITOR=0";
  // Branch 0 blocks in the OS until branch 2 has seen the cancellation that
  // branch 1's failure causes. On one worker, without a thread taking the
  // blocked worker's place, neither sibling ever runs. (Branch 2 waits in a
  // runtime wait, which runs branch 1 meanwhile if nobody else does.)
  os_latch released;
  std::atomic<bool> saw_stop{false};
  std::atomic<bool> unblocked{false};
  EXPECT_THROW(kara::par([&] { unblocked = released.wait(); },
                         [&] {
                           std::this_thread::sleep_for(2ms);
                           throw std::runtime_error("boom");
                         },
                         [&] {
                           try {
                             auto deadline = test_clock::now() + 10s;
                             while (test_clock::now() < deadline)
                               kara::this_task::sleep_for(200us);
                           } catch (const kara::cancelled &) {
                             saw_stop = true;
                             released.open();
                             throw;
                           }
                           released.open();
                         }),
               std::runtime_error);
  EXPECT_TRUE(saw_stop.load());
  EXPECT_TRUE(unblocked.load());
}

TEST(Compensation, BoundedThreadsUnderThousandBlockingTasks) {
  if (!monitor_on())
    GTEST_SKIP() << "KARA_MONITOR=0";
  std::atomic<int> ran{0};
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 1000; ++i)
      n.spawn([&] {
        std::this_thread::sleep_for(5ms); // unmarked
        ran.fetch_add(1);
      });
  });
  EXPECT_EQ(ran.load(), 1000);
  kara::detail::pool_stats s = kara::detail::stats();
  EXPECT_LE(s.threads, s.max_threads);
  EXPECT_GT(s.threads, s.workers) << "no thread replaced a blocked worker";
  EXPECT_GT(s.compensations, 0u);
  if (const char *bound = std::getenv("KARA_MAX_THREADS"))
    EXPECT_EQ(s.max_threads, static_cast<unsigned>(std::atoi(bound)));
  // The surplus retires once the blocked threads are back.
  auto deadline = test_clock::now() + 5s;
  while (kara::detail::stats().active != static_cast<int>(s.workers) &&
         test_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(kara::detail::stats().active, static_cast<int>(s.workers));
}

TEST(BlockingRegion, GivesTheSlotAwayAtOnce) {
  // Every worker waits in a blocking_region for a task queued behind them.
  // Run with KARA_MONITOR=0 (ctest runtime.compensation.region) this needs
  // the region itself: nothing else would start another thread.
  const int n = static_cast<int>(kara::thread_count());
  os_latch released;
  std::atomic<int> ok{0};
  kara::scope([&](kara::nursery &s) {
    for (int i = 0; i < n; ++i)
      kara::detail::nursery_access::spawn_queued(s, [&] {
        kara::detail::blocking_region region;
        ok += released.wait() ? 1 : 0;
      });
    kara::detail::nursery_access::spawn_queued(s, [&] { released.open(); });
  });
  EXPECT_EQ(ok.load(), n);
}

TEST(BlockingRegion, NestsAndDoesNothingOffThePool) {
  kara::detail::blocking_region outer; // main thread: no-op
  kara::detail::blocking_region inner;
  auto h = kara::spawn([] {
    kara::detail::blocking_region a;
    { kara::detail::blocking_region b; }
    return kara::detail::stats().active;
  });
  (void)h.join();
  EXPECT_EQ(kara::par([] { return 1; }, [] { return 2; }),
            std::make_tuple(1, 2));
}

// ---- nursery::spawn runs its task concurrently with the spawner

// Runs `f` in a pool task while every other worker spins, so nobody is idle.
template <class F> void with_all_workers_busy(F f) {
  std::atomic<bool> stop{false};
  std::atomic<int> spinning{0};
  const int hogs = static_cast<int>(kara::thread_count()) - 1;
  std::vector<kara::join_handle<void>> hs;
  for (int i = 0; i < hogs; ++i)
    hs.push_back(kara::spawn([&] {
      spinning.fetch_add(1);
      while (!stop.load(std::memory_order_relaxed))
        std::this_thread::yield();
    }));
  auto body = kara::spawn([&] {
    while (spinning.load() < hogs)
      std::this_thread::yield();
    // Idle advertisements of workers that just took a hog may lag a moment.
    auto deadline = test_clock::now() + 2s;
    while (kara::detail::g_idle.value.load() != 0 &&
           test_clock::now() < deadline)
      std::this_thread::yield();
    f();
  });
  body.join();
  stop = true;
}

TEST(ScopeSpawn, TaskMayWaitForWhatItsSpawnerDoesLater) {
  // A consumer spawned before its producer: spawn never runs the task in
  // place, so this ends also when no worker is idle to take it.
  with_all_workers_busy([&] {
    kara::scope([&](kara::nursery &n) {
      std::atomic<bool> go{false};
      auto h = n.spawn([&] {
        while (!go.load())
          std::this_thread::yield();
        return 1;
      });
      go = true;
      EXPECT_EQ(h.join(), 1);
    });
  });
}

TEST(ScopeSpawn, RunsUntilTheScopeIsCancelled) {
  // A task looping until n.cancel() from the body after spawn.
  with_all_workers_busy([&] {
    std::atomic<long> spins{0};
    kara::scope([&](kara::nursery &n) {
      n.spawn([&] {
        while (!kara::this_task::stop_requested())
          spins.fetch_add(1, std::memory_order_relaxed);
      });
      n.cancel();
    });
    SUCCEED();
  });
}

// The shape that deadlocked a lazy spawn (a task run in place at its spawn or
// its join while a sibling it waits for sat on the spawner's stack or in a
// private list): two spawned tasks that hand off through a runtime wait, the
// waiter spawned first and joined first, nobody idle (on 1 worker: the only
// worker runs the body). Both orders of spawn.
TEST(ScopeSpawn, TwoTasksHandOffThroughALatch) {
  for (bool waiter_first : {true, false})
    with_all_workers_busy([&] {
      kara::latch ready(1);
      int value = 0; // written before count_down, read after wait
      int got = kara::scope([&](kara::nursery &n) {
        auto waiter = [&] {
          ready.wait();
          return value;
        };
        auto giver = [&] {
          value = 42;
          ready.count_down();
          return 0;
        };
        using fn = std::function<int()>;
        auto a = n.spawn(waiter_first ? fn(waiter) : fn(giver));
        auto b = n.spawn(waiter_first ? fn(giver) : fn(waiter));
        return a.join() + b.join();
      });
      EXPECT_EQ(got, 42) << "waiter_first " << waiter_first;
    });
}

TEST(ScopeSpawn, TwoTasksPingPongThroughChannels) {
  // Each task needs the other to run while it waits: capacity-1 channels,
  // three round trips. Run one after the other, the first never returns.
  with_all_workers_busy([&] {
    kara::channel<int> ping(1), pong(1);
    int sum = kara::scope([&](kara::nursery &n) {
      auto a = n.spawn([ping, pong] {
        int total = 0;
        for (int i = 1; i <= 3; ++i) {
          ping.send(i);
          total += pong.recv().value_or(-100);
        }
        return total;
      });
      auto b = n.spawn([ping, pong] {
        for (int i = 0; i < 3; ++i)
          pong.send(ping.recv().value_or(-100) * 10);
        return 0;
      });
      return a.join() + b.join();
    });
    EXPECT_EQ(sum, 60);
  });
}

TEST(ScopeSpawn, TwoTasksHandOffThroughAnOsWait) {
  // The same handshake through a plain std::condition_variable (nothing tells
  // the pool): the monitor must find the waiter blocked and let another
  // thread take the queued sibling.
  if (!monitor_on())
    GTEST_SKIP() << "KARA_MONITOR=0";
  with_all_workers_busy([&] {
    os_latch released;
    bool ok = kara::scope([&](kara::nursery &n) {
      auto a = n.spawn([&] { return released.wait(); });
      n.spawn([&] { released.open(); });
      return a.join();
    });
    EXPECT_TRUE(ok);
  });
}

TEST(ScopeSpawn, LongChainsOfTasksSpawningTasks) {
  // A task that spawns its successor, 200 000 times: queued tasks use no
  // stack of their spawner, so this neither overflows nor loses a task.
  std::atomic<long> count{0};
  struct step {
    kara::nursery *n;
    std::atomic<long> *count;
    long left;
    void operator()() const {
      count->fetch_add(1, std::memory_order_relaxed);
      if (left > 0)
        n->spawn(step{n, count, left - 1});
    }
  };
  auto h = kara::spawn([&] {
    kara::scope([&](kara::nursery &n) { n.spawn(step{&n, &count, 200'000}); });
  });
  h.join();
  EXPECT_EQ(count.load(), 200'001);
}

} // namespace

namespace {
// ---- a par called from outside the pool

TEST(OutsidePar, NeverLosesIdleWorkersToTheIdleCounter) {
  // Right after a par handed to the pool returns, the worker that ran it is
  // about to look for work: the next par from main must still find it idle
  // and go parallel (its branches run on workers), not run inline on main.
  kara::par([] {}, [] {});
  int inline_runs = 0;
  for (int rep = 0; rep < 2000; ++rep) {
    bool on_pool[2] = {false, false};
    kara::par([&] { on_pool[0] = kara::detail::on_worker(); },
              [&] { on_pool[1] = kara::detail::on_worker(); });
    inline_runs += on_pool[0] ? 0 : 1;
  }
  EXPECT_EQ(inline_runs, 0);
}
} // namespace
