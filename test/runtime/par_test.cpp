#include "test_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

long fib(int n) {
  if (n < 2)
    return n;
  auto [a, b] =
      kara::par([&] { return fib(n - 1); }, [&] { return fib(n - 2); });
  return a + b;
}

// As kara-parallelize writes it: the closures hold a copy of n.
long fib_by_value(int n) {
  if (n < 2)
    return n;
  auto [a, b] = kara::par([n] { return fib_by_value(n - 1); },
                          [n] { return fib_by_value(n - 2); });
  return a + b;
}

long fib_serial(int n) {
  return n < 2 ? n : fib_serial(n - 1) + fib_serial(n - 2);
}

struct NoDefault {
  explicit NoDefault(int v) : value(v) {}
  int value;
};

TEST(Par, ResultsInOrder) {
  auto [a, b, c] = kara::par(
      [] { return 1; }, [] { return std::string("two"); }, [] { return 3.5; });
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, "two");
  EXPECT_EQ(c, 3.5);
}

TEST(Par, VoidBranchesAddNoElement) {
  int x = 0, y = 0;
  auto [s, t] = kara::par([&] { x = 1; }, [] { return 7; }, [&] { y = 2; },
                          [] { return std::string("s"); });
  EXPECT_EQ(x, 1);
  EXPECT_EQ(y, 2);
  EXPECT_EQ(s, 7);
  EXPECT_EQ(t, "s");
  static_assert(std::is_void_v<decltype(kara::par([] {}, [] {}))>);
  kara::par([&] { x = 10; }, [&] { y = 20; });
  EXPECT_EQ(x + y, 30);
}

TEST(Par, SingleNonVoidBranchIsOneTuple) {
  auto r = kara::par([] { return 5; });
  static_assert(std::is_same_v<decltype(r), std::tuple<int>>);
  EXPECT_EQ(std::get<0>(r), 5);
  auto r2 = kara::par([] {}, [] { return 6; });
  static_assert(std::is_same_v<decltype(r2), std::tuple<int>>);
  EXPECT_EQ(std::get<0>(r2), 6);
}

TEST(Par, MoveOnlyAndNonDefaultConstructible) {
  auto [p, q, n] = kara::par([] { return std::make_unique<int>(4); },
                             [] { return std::make_unique<std::string>("q"); },
                             [] { return NoDefault(9); });
  EXPECT_EQ(*p, 4);
  EXPECT_EQ(*q, "q");
  EXPECT_EQ(n.value, 9);
  // Mixed with void so the slot path is used too.
  auto [m, k] = kara::par([] { return std::make_unique<int>(1); }, [] {},
                          [] { return NoDefault(2); });
  EXPECT_EQ(*m, 1);
  EXPECT_EQ(k.value, 2);
}

TEST(Par, ReferenceResults) {
  int x = 1, y = 2;
  auto [rx, ry] =
      kara::par([&]() -> int & { return x; }, [&]() -> int & { return y; });
  rx = 10;
  ry = 20;
  EXPECT_EQ(x, 10);
  EXPECT_EQ(y, 20);
}

TEST(Par, RecursiveFibMatchesSerial) { EXPECT_EQ(fib(24), fib_serial(24)); }

TEST(Par, RecursiveFibWithCopiedCapturesMatchesSerial) {
  EXPECT_EQ(fib_by_value(24), fib_serial(24));
}

// Small trivially copyable temporaries reach the parallel path as copies;
// anything a caller could observe being copied is passed by reference.
TEST(Par, OnlyUnobservableBranchesAreCopied) {
  using kara::detail::pass_by_value;
  int n = 0;
  auto small = [n] { return n; };
  auto by_ref = [&n] { return n; };
  std::string text;
  auto owning = [text] { return text.size(); };
  long a = 0, b = 0, c = 0;
  auto large = [a, b, c] { return a + b + c; };
  static_assert(pass_by_value<decltype(small)>::value);
  static_assert(pass_by_value<decltype(by_ref)>::value);
  static_assert(!pass_by_value<decltype(small) &>::value);
  static_assert(!pass_by_value<decltype(owning)>::value);
  static_assert(!pass_by_value<decltype(large)>::value);
  static_assert(!pass_by_value<int (&)()>::value);
  (void)small, (void)by_ref, (void)owning, (void)large;
}

struct Counter {
  int calls = 0;
  int operator()() { return ++calls; }
};

TEST(Par, LvalueCallablesKeepTheirState) {
  Counter first, second;
  for (int round = 1; round <= 3; ++round) {
    // Forced: the branches take the parallel path, where a copy would lose
    // the increments.
    auto [x, y] = kara::detail::par_forced(first, second);
    EXPECT_EQ(x, round);
    EXPECT_EQ(y, round);
    auto [u, v] = kara::par(first, second);
    EXPECT_EQ(u, round + 1);
    EXPECT_EQ(v, round + 1);
    first.calls = second.calls = round;
  }
}

TEST(Par, CopiedBranchesOnTheParallelPath) {
  int base = 40;
  auto [x, y] = kara::detail::par_forced([base] { return base + 1; },
                                         [base] { return base + 2; });
  EXPECT_EQ(x, 41);
  EXPECT_EQ(y, 42);
}

TEST(Par, ManyExternalThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i)
        if (fib(18) == fib_serial(18))
          ok.fetch_add(1);
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(ok.load(), 20);
}

TEST(Par, LowestIndexExceptionAfterAllJoined) {
  for (int round = 0; round < 50; ++round) {
    std::atomic<int> finished{0};
    try {
      kara::par(
          [&] {
            std::this_thread::sleep_for(1ms);
            finished.fetch_add(1);
            throw std::runtime_error("first");
          },
          [&] { finished.fetch_add(1); },
          [&] {
            finished.fetch_add(1);
            throw std::logic_error("third");
          });
      FAIL() << "no exception";
    } catch (const std::runtime_error &e) {
      EXPECT_STREQ(e.what(), "first");
      // Branch 0 runs first and throws: sequentially nothing else runs; in
      // parallel the others may have run. Either way all are joined here.
      int f = finished.load();
      std::this_thread::sleep_for(1ms);
      EXPECT_EQ(f, finished.load()) << "a branch ran after par returned";
    } catch (const std::logic_error &) {
      FAIL() << "the higher-index exception won";
    }
  }
}

TEST(Par, RealErrorBeatsCancellationItCaused) {
  if (kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers to run the branches concurrently";
  for (int round = 0; round < 20; ++round) {
    std::atomic<bool> second_started{false};
    try {
      kara::par(
          [&] {
            // Waits for the sibling, then for its failure to cancel us.
            auto deadline = test_clock::now() + 5s;
            while (!second_started.load() && test_clock::now() < deadline)
              std::this_thread::yield();
            while (test_clock::now() < deadline)
              kara::this_task::checkpoint();
          },
          [&] {
            second_started.store(true);
            throw std::runtime_error("real");
          });
      FAIL() << "no exception";
    } catch (const std::runtime_error &e) {
      EXPECT_STREQ(e.what(), "real");
    } catch (const kara::cancelled &) {
      // Only possible if branch 1 never started concurrently (no idle worker
      // at fork) -- then branch 0 timed out, which the deadline prevents.
      FAIL() << "cancellation reported instead of the real error";
    }
  }
}

TEST(Par, FailureCancelsRunningSiblings) {
  if (kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers";
  std::atomic<bool> saw_stop{false};
  auto start = test_clock::now();
  EXPECT_THROW(kara::par(
                   [&] {
                     auto deadline = test_clock::now() + 10s;
                     while (test_clock::now() < deadline) {
                       if (kara::this_task::stop_requested()) {
                         saw_stop = true;
                         return;
                       }
                       std::this_thread::yield();
                     }
                   },
                   [&] {
                     std::this_thread::sleep_for(5ms);
                     throw std::runtime_error("boom");
                   }),
               std::runtime_error);
  EXPECT_TRUE(saw_stop.load());
  EXPECT_LT(ms_since(start), 5000);
}

TEST(Par, InlineFailureSkipsLaterBranches) {
  // From inside a task with every worker busy, par runs inline: a failing
  // branch means later ones never start (as in sequential code).
  std::atomic<int> later{0};
  EXPECT_THROW(kara::par([&] { throw std::runtime_error("x"); },
                         [&] { later.fetch_add(1); }),
               std::runtime_error);
  EXPECT_LE(later.load(), 1);
}

TEST(Par, DeepRecursionChain) {
  // A linear chain of nested pars, deeper than typical work-stealing depth.
  std::function<int(int)> chain = [&](int depth) -> int {
    if (depth == 0)
      return 0;
    auto [a, b] = kara::par([&] { return chain(depth - 1); }, [] { return 1; });
    return a + b;
  };
  const int depth = static_cast<int>(4000 / (kStressScale > 1 ? 4 : 1));
  EXPECT_EQ(chain(depth), depth);
}

TEST(Par, MillionTinyTasks) {
  const long leaves = static_cast<long>(1'000'000 / kStressScale);
  std::function<long(long, long)> sum = [&](long lo, long hi) -> long {
    if (hi - lo == 1)
      return lo;
    long mid = lo + (hi - lo) / 2;
    auto [a, b] =
        kara::par([&] { return sum(lo, mid); }, [&] { return sum(mid, hi); });
    return a + b;
  };
  EXPECT_EQ(sum(0, leaves), leaves * (leaves - 1) / 2);
}

TEST(Par, ThreadCountHonoursEnvironment) {
  if (const char *env = std::getenv("KARA_THREADS"))
    EXPECT_EQ(kara::thread_count(), static_cast<unsigned>(std::atoi(env)));
  else
    EXPECT_EQ(kara::thread_count(),
              std::max(1u, std::thread::hardware_concurrency()));
}

} // namespace
