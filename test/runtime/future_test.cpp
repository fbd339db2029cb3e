#include "wait_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

TEST(Future, PromiseFromAnotherThread) {
  kara::promise<std::string> p;
  kara::future<std::string> f = p.get_future();
  EXPECT_FALSE(f.ready());
  std::thread t([p = std::move(p)]() mutable {
    std::this_thread::sleep_for(5ms);
    p.set_value("done");
  });
  EXPECT_EQ(f.get(), "done");
  EXPECT_FALSE(f.valid());
  t.join();
}

TEST(Future, ManyThreadsManyFutures) {
  constexpr int threads = 8;
  const int per = static_cast<int>(2000 / kStressScale);
  std::vector<kara::promise<int>> ps(threads * per);
  std::vector<kara::future<int>> fs;
  for (auto &p : ps)
    fs.push_back(p.get_future());
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      for (int i = t; i < threads * per; i += threads)
        ps[i].set_value(i);
    });
  // Consumers are pool tasks too: get() on a worker.
  std::atomic<long> sum{0};
  kara::map([&](kara::future<int> &f) { sum += f.get(); }, fs);
  for (auto &t : ts)
    t.join();
  const long n = threads * per;
  EXPECT_EQ(sum.load(), n * (n - 1) / 2);
}

TEST(Future, GetForTimesOutThenSucceeds) {
  kara::promise<int> p;
  kara::future<int> f = p.get_future();
  auto start = test_clock::now();
  EXPECT_EQ(f.get_for(30ms), std::nullopt);
  EXPECT_GE(ms_since(start), 29);
  EXPECT_TRUE(f.valid());
  p.set_value(7);
  EXPECT_EQ(f.get_for(1s), 7);
}

TEST(Future, VoidAndExceptions) {
  kara::promise<void> p;
  kara::future<void> f = p.get_future();
  EXPECT_FALSE(f.get_for(1ms));
  p.set_exception(std::make_exception_ptr(std::logic_error("x")));
  EXPECT_THROW(f.get(), std::logic_error);
  EXPECT_THROW(p.set_value(), std::logic_error) << "satisfied twice";
}

TEST(Future, BrokenPromise) {
  kara::future<int> f;
  {
    kara::promise<int> p;
    f = p.get_future();
  }
  EXPECT_THROW(f.get(), kara::broken_promise);
}

TEST(Future, PollRemovesReadyOnes) {
  std::vector<kara::promise<int>> ps(4);
  std::vector<kara::future<int>> fs;
  for (auto &p : ps)
    fs.push_back(p.get_future());
  ps[1].set_value(1);
  ps[3].set_value(3);
  std::vector<kara::future<int>> ready = kara::poll(fs);
  ASSERT_EQ(ready.size(), 2u);
  EXPECT_EQ(ready[0].get(), 1);
  EXPECT_EQ(ready[1].get(), 3);
  EXPECT_EQ(fs.size(), 2u);
  EXPECT_TRUE(kara::poll(fs).empty());
  ps[0].set_value(0);
  ps[2].set_value(2);
}

TEST(Future, SelectTakesTheFirstReady) {
  std::vector<kara::promise<int>> ps(3);
  std::vector<kara::future<int>> fs;
  for (auto &p : ps)
    fs.push_back(p.get_future());
  std::thread t([&] {
    std::this_thread::sleep_for(10ms);
    ps[2].set_value(2);
  });
  kara::future<int> first = kara::select(fs);
  EXPECT_EQ(first.get(), 2);
  EXPECT_EQ(fs.size(), 2u);
  t.join();
  ps[0].set_value(0);
  ps[1].set_value(1);
  std::vector<kara::future<int>> none;
  EXPECT_THROW((void)kara::select(none), std::invalid_argument);
}

TEST(Future, SelectPrefersTheEarliestCompletion) {
  std::vector<kara::promise<int>> ps(3);
  std::vector<kara::future<int>> fs;
  for (auto &p : ps)
    fs.push_back(p.get_future());
  ps[2].set_value(2); // both ready before select looks: completion order wins
  ps[0].set_value(0);
  EXPECT_EQ(kara::select(fs).get(), 2);
  EXPECT_EQ(kara::select(fs).get(), 0);
  ps[1].set_value(1);
}

TEST(Future, AsCompletedYieldsInCompletionOrder) {
  constexpr int n = 5;
  std::vector<kara::promise<int>> ps(n);
  std::vector<kara::future<int>> fs;
  for (auto &p : ps)
    fs.push_back(p.get_future());
  std::thread t([&] {
    for (int i = n - 1; i >= 0; --i) {
      std::this_thread::sleep_for(3ms);
      ps[i].set_value(i);
    }
  });
  std::vector<int> order;
  for (kara::future<int> f : kara::as_completed(std::move(fs)))
    order.push_back(f.get());
  t.join();
  EXPECT_EQ(order, (std::vector<int>{4, 3, 2, 1, 0}));
}

TEST(Future, JoinProtected) {
  kara::promise<int> ok, bad;
  kara::future<int> f1 = ok.get_future(), f2 = bad.get_future();
  ok.set_value(5);
  bad.set_exception(std::make_exception_ptr(std::runtime_error("no")));
  kara::result<int> r1 = kara::join_protected(f1);
  kara::result<int> r2 = kara::join_protected(f2);
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1.value(), 5);
  EXPECT_FALSE(r2.has_value());
  EXPECT_THROW(std::rethrow_exception(r2.error()), std::runtime_error);
  EXPECT_THROW(r2.value(), std::runtime_error);
  auto h = kara::spawn([]() -> int { throw std::out_of_range("t"); });
  kara::result<int> r3 = kara::join_protected(h);
  EXPECT_FALSE(r3);
}

TEST(FutureCancel, GetWakesWithCancelled) {
  kara::promise<int> p;
  kara::future<int> f = p.get_future();
  expect_wait_cancels([&] { (void)f.get(); });
  EXPECT_TRUE(f.valid()) << "a cancelled get leaves the future";
  p.set_value(1);
  EXPECT_EQ(f.get(), 1);
}

TEST(FutureCancel, SelectWakesWithCancelled) {
  std::vector<kara::promise<int>> ps(3);
  std::vector<kara::future<int>> fs;
  for (auto &p : ps)
    fs.push_back(p.get_future());
  expect_wait_cancels([&] { (void)kara::select(fs); });
  EXPECT_EQ(fs.size(), 3u);
  for (auto &p : ps)
    p.set_value(0);
}

TEST(FutureCancel, GetForWakesWithCancelled) {
  kara::promise<int> p;
  kara::future<int> f = p.get_future();
  expect_wait_cancels([&] { (void)f.get_for(std::chrono::hours(1)); });
  p.set_value(0);
}

TEST(Abort, CancelsRunsDestructorsAndReports) {
  static std::atomic<bool> destroyed{false};
  struct guard {
    ~guard() { destroyed = true; }
  };
  kara::channel<int> ch(1);
  auto h = kara::spawn([ch] {
    guard g;
    for (;;)
      (void)ch.recv();
  });
  std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(kara::abort(h));
  EXPECT_TRUE(destroyed.load());
  auto quick = kara::spawn([] { return 3; });
  while (!quick.done())
    std::this_thread::yield();
  EXPECT_FALSE(kara::abort(quick));
}

} // namespace
