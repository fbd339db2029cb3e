#include "wait_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

// A waiter woken by its cancellation may still be queued when a notifier
// runs: the notification must go to the next waiter, not be lost.
TEST(WaitQueue, SkipsWaitersWokenByCancellation) {
  kara::detail::wait_queue q;
  kara::detail::waiter a, b;
  kara::detail::wait_link la, lb;
  la.w = &a;
  lb.w = &b;
  q.push(&la);
  q.push(&lb);
  EXPECT_TRUE(a.fire(kara::detail::wake::cancelled));
  EXPECT_TRUE(q.notify_one());
  EXPECT_EQ(b.status(), kara::detail::wake::notified);
  EXPECT_EQ(a.status(), kara::detail::wake::cancelled);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.notify_one());
  kara::detail::waiter c, d;
  kara::detail::wait_link lc, ld;
  lc.w = &c;
  ld.w = &d;
  q.push(&lc);
  q.push(&ld);
  EXPECT_TRUE(d.fire(kara::detail::wake::timed_out));
  EXPECT_EQ(q.notify_all(), 1);
}

TEST(Mutex, ExcludesThreadsAndTasks) {
  kara::mutex m;
  long counter = 0;
  const int per = static_cast<int>(20000 / kStressScale);
  std::vector<std::thread> ts;
  for (int t = 0; t < 2; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < per; ++i) {
        std::lock_guard<kara::mutex> g(m);
        ++counter;
      }
    });
  kara::scope([&](kara::nursery &n) {
    for (int t = 0; t < 4; ++t)
      (void)n.spawn([&] {
        for (int i = 0; i < per; ++i) {
          std::lock_guard<kara::mutex> g(m);
          ++counter;
        }
      });
  });
  for (auto &t : ts)
    t.join();
  EXPECT_EQ(counter, 6L * per);
}

TEST(Mutex, TryLockAndTimeout) {
  kara::mutex m;
  EXPECT_TRUE(m.try_lock());
  EXPECT_FALSE(m.try_lock());
  std::thread t([&] {
    auto start = test_clock::now();
    EXPECT_FALSE(m.try_lock_for(20ms));
    EXPECT_GE(ms_since(start), 19);
  });
  t.join();
  m.unlock();
  EXPECT_TRUE(m.try_lock_for(1ms));
  m.unlock();
}

TEST(MutexCancel, LockWakesWithCancelled) {
  kara::mutex m;
  m.lock();
  expect_wait_cancels([&] { m.lock(); });
  m.unlock();
  EXPECT_TRUE(m.try_lock()) << "the cancelled waiter must not own the lock";
  m.unlock();
}

TEST(SharedMutex, ReadersShareWritersExclude) {
  kara::shared_mutex m;
  kara::latch both_in(2);
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i)
    readers.emplace_back([&] {
      std::shared_lock<kara::shared_mutex> g(m);
      both_in.arrive_and_wait(); // deadlocks unless both hold it at once
    });
  for (auto &t : readers)
    t.join();
  long value = 0;
  const int per = static_cast<int>(5000 / kStressScale);
  std::atomic<long> torn{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 2; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < per; ++i) {
        std::lock_guard<kara::shared_mutex> g(m);
        value += 2;
      }
    });
  for (int t = 0; t < 2; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < per; ++i) {
        std::shared_lock<kara::shared_mutex> g(m);
        torn += value % 2;
      }
    });
  for (auto &t : ts)
    t.join();
  EXPECT_EQ(value, 4L * per);
  EXPECT_EQ(torn.load(), 0);
}

TEST(SharedMutexCancel, LockAndLockShared) {
  kara::shared_mutex m;
  m.lock_shared();
  expect_wait_cancels([&] { m.lock(); });
  // With the cancelled writer gone, readers are admitted again.
  EXPECT_TRUE(m.try_lock_shared());
  m.unlock_shared();
  m.unlock_shared();
  m.lock();
  expect_wait_cancels([&] { m.lock_shared(); });
  m.unlock();
  EXPECT_TRUE(m.try_lock());
  m.unlock();
}

TEST(Semaphore, LimitsConcurrency) {
  kara::semaphore s(2);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 6; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        s.acquire();
        int now = ++inside;
        int m = most.load();
        while (now > m && !most.compare_exchange_weak(m, now)) {
        }
        std::this_thread::yield();
        --inside;
        s.release();
      }
    });
  for (auto &t : ts)
    t.join();
  EXPECT_LE(most.load(), 2);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_TRUE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire_for(5ms));
  s.release(2);
}

TEST(SemaphoreCancel, AcquireWakesWithCancelled) {
  kara::semaphore s(0);
  expect_wait_cancels([&] { s.acquire(); });
  s.release();
  EXPECT_TRUE(s.try_acquire()) << "the unit went to no cancelled waiter";
}

TEST(ConditionVariable, ProducerConsumer) {
  kara::mutex m;
  kara::condition_variable cv;
  std::vector<int> queue;
  bool done = false;
  long sum = 0;
  std::thread consumer([&] {
    std::unique_lock<kara::mutex> lk(m);
    for (;;) {
      cv.wait(lk, [&] { return !queue.empty() || done; });
      if (queue.empty())
        return;
      sum += queue.back();
      queue.pop_back();
    }
  });
  for (int i = 1; i <= 1000; ++i) {
    std::lock_guard<kara::mutex> g(m);
    queue.push_back(i);
    cv.notify_one();
  }
  {
    std::lock_guard<kara::mutex> g(m);
    done = true;
  }
  cv.notify_all();
  consumer.join();
  EXPECT_EQ(sum, 500500);
  std::unique_lock<kara::mutex> lk(m);
  EXPECT_FALSE(cv.wait_for(lk, 5ms));
  EXPECT_TRUE(lk.owns_lock());
}

TEST(ConditionVariableCancel, WaitRelocksThenThrows) {
  kara::mutex m;
  kara::condition_variable cv;
  std::atomic<bool> owned_after{false};
  expect_wait_cancels([&] {
    std::unique_lock<kara::mutex> lk(m);
    try {
      cv.wait(lk);
    } catch (const kara::cancelled &) {
      owned_after = lk.owns_lock() && !m.try_lock();
      throw;
    }
  });
  EXPECT_TRUE(owned_after.load());
  EXPECT_TRUE(m.try_lock()) << "the lock_guard released it while unwinding";
  m.unlock();
}

TEST(Barrier, PhasesStayInStep) {
  constexpr int parties = 4, phases = 50;
  kara::barrier b(parties);
  std::atomic<int> arrived[phases] = {};
  std::atomic<int> bad{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < parties; ++t)
    ts.emplace_back([&] {
      for (int p = 0; p < phases; ++p) {
        ++arrived[p];
        b.arrive_and_wait();
        if (arrived[p].load() != parties)
          ++bad;
      }
    });
  for (auto &t : ts)
    t.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(BarrierCancel, WithdrawsTheArrival) {
  kara::barrier b(2);
  expect_wait_cancels([&] { b.arrive_and_wait(); });
  // Had the cancelled arrival counted, this would pass alone.
  std::atomic<bool> passed{false};
  std::thread t([&] {
    b.arrive_and_wait();
    passed = true;
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(passed.load());
  b.arrive_and_wait();
  t.join();
  EXPECT_TRUE(passed.load());
}

TEST(Latch, CountsDownFromTasks) {
  kara::latch l(8);
  std::vector<kara::join_handle<void>> hs;
  for (int i = 0; i < 8; ++i)
    hs.push_back(kara::spawn([&] { l.count_down(); }));
  l.wait();
  EXPECT_TRUE(l.try_wait());
  EXPECT_THROW(l.count_down(), std::invalid_argument);
}

TEST(LatchCancel, WaitWakesWithCancelled) {
  kara::latch l(1);
  expect_wait_cancels([&] { l.wait(); });
  l.count_down();
  EXPECT_TRUE(l.try_wait());
}

TEST(Once, RunsOnceAndEveryoneGetsTheValue) {
  kara::once<std::vector<int>> o;
  std::atomic<int> runs{0};
  std::vector<const std::vector<int> *> got(8);
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&, t] {
      got[t] = &o.get([&] {
        ++runs;
        std::this_thread::sleep_for(10ms);
        return std::vector<int>{1, 2, 3};
      });
    });
  for (auto &t : ts)
    t.join();
  EXPECT_EQ(runs.load(), 1);
  for (auto *p : got)
    EXPECT_EQ(p, got[0]);
  EXPECT_EQ(o.peek()->size(), 3u);
}

TEST(Once, RetriesAfterAnException) {
  kara::once<int> o;
  EXPECT_THROW(o.get([]() -> int { throw std::runtime_error("x"); }),
               std::runtime_error);
  EXPECT_EQ(o.peek(), nullptr);
  EXPECT_EQ(o.get([] { return 4; }), 4);
  EXPECT_EQ(o.get([] { return 5; }), 4);
}

TEST(OnceCancel, WaiterWakesWithCancelled) {
  kara::once<int> o;
  kara::latch release(1);
  std::atomic<bool> inside{false};
  std::thread runner([&] {
    (void)o.get([&] {
      inside = true;
      release.wait();
      return 1;
    });
  });
  while (!inside.load())
    std::this_thread::yield();
  expect_wait_cancels([&] { (void)o.get([] { return 2; }); });
  release.count_down();
  runner.join();
  EXPECT_EQ(*o.peek(), 1);
}

TEST(Sleep, SleepsAndCancels) {
  auto start = test_clock::now();
  kara::sleep_for(15ms);
  EXPECT_GE(ms_since(start), 14);
  expect_wait_cancels([] { kara::sleep_for(std::chrono::hours(1)); });
  // Durations too large for the clock wait "forever" rather than overflow.
  expect_wait_cancels([] { kara::sleep_for(std::chrono::hours::max()); });
  kara::mutex m;
  m.lock();
  expect_wait_cancels(
      [&] { (void)m.try_lock_for(std::chrono::seconds::max()); });
  m.unlock();
  // Already cancelled: throws at once.
  auto h = kara::spawn([] {
    while (!kara::this_task::stop_requested())
      std::this_thread::yield();
    kara::sleep_for(std::chrono::hours(1));
  });
  h.cancel();
  EXPECT_THROW(h.join(), kara::cancelled);
}

// What "holds no worker" means: many sleeping tasks overlap. Needs the
// scheduler's blocking compensation (KARA_DETAIL_WAIT_COMPENSATES).
TEST(Sleep, HoldsNoWorker) {
  if (!KARA_DETAIL_WAIT_COMPENSATES)
    GTEST_SKIP() << "the scheduler does not replace parked workers yet";
  auto start = test_clock::now();
  kara::scope([](kara::nursery &n) {
    for (int i = 0; i < 32; ++i)
      (void)n.spawn([] { kara::sleep_for(50ms); });
  });
  EXPECT_LT(ms_since(start), 400 * kTimeSlack);
}

} // namespace
