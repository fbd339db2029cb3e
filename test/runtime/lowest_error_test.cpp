// The "lowest-index real error wins" rule shared by par, race, map and
// map_limited (detail/lowest_error.hpp), alone and through each primitive:
// a kara::cancelled that a sibling's failure caused never wins over the
// failure itself.
#include "test_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

std::exception_ptr real(const char *what) {
  return std::make_exception_ptr(std::runtime_error(what));
}
std::exception_ptr cancel() {
  return std::make_exception_ptr(kara::cancelled());
}

std::string what_of(const kara::detail::lowest_error &e) {
  try {
    e.rethrow_if_any();
  } catch (const kara::cancelled &) {
    return "cancelled";
  } catch (const std::exception &x) {
    return x.what();
  }
  return "none";
}

TEST(LowestError, EmptyRethrowsNothing) {
  kara::detail::lowest_error e;
  EXPECT_FALSE(e.any());
  EXPECT_FALSE(e.real());
  EXPECT_NO_THROW(e.rethrow_if_any());
}

TEST(LowestError, LowerIndexRealErrorWins) {
  kara::detail::lowest_error e;
  e.record(3, real("3"), false);
  e.record(5, real("5"), false);
  e.record(1, real("1"), false);
  e.record(2, real("2"), false);
  EXPECT_TRUE(e.real());
  EXPECT_EQ(e.index(), 1u);
  EXPECT_EQ(what_of(e), "1");
}

TEST(LowestError, RealErrorBeatsLowerIndexCancellation) {
  // Either order of arrival: the cancellation at 0 is what the error at 4
  // caused.
  kara::detail::lowest_error a, b;
  a.record(0, cancel(), true);
  a.record(4, real("4"), false);
  b.record(4, real("4"), false);
  b.record(0, cancel(), true);
  for (auto *e : {&a, &b}) {
    EXPECT_TRUE(e->real());
    EXPECT_EQ(e->index(), 4u);
    EXPECT_EQ(what_of(*e), "4");
  }
}

TEST(LowestError, CancellationOnlyWhenNothingFailedForReal) {
  kara::detail::lowest_error e;
  e.record(2, cancel(), true);
  e.record(1, cancel(), true);
  EXPECT_TRUE(e.any());
  EXPECT_FALSE(e.real());
  EXPECT_EQ(e.index(), 1u);
  EXPECT_EQ(what_of(e), "cancelled");
}

TEST(LowestError, CaptureClassifiesTheException) {
  kara::detail::lowest_error e;
  EXPECT_TRUE(e.capture(0, [] {}));
  EXPECT_FALSE(e.any());
  EXPECT_FALSE(e.capture(0, [] { throw kara::cancelled(); }));
  EXPECT_FALSE(e.real());
  EXPECT_FALSE(e.capture(7, [] { throw std::logic_error("7"); }));
  EXPECT_EQ(what_of(e), "7");
}

TEST(LowestError, ConcurrentRecordsKeepTheLowestRealError) {
  for (int round = 0; round < 20; ++round) {
    kara::detail::lowest_error e;
    std::vector<std::thread> threads;
    // Threads t record indices t, t+8, ...; even indices below 40 are
    // cancellations, so the winner is the lowest odd index: 1.
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&e, t] {
        for (int i = 63 - t; i >= 0; i -= 8) {
          if (i % 2 == 0 && i < 40)
            e.record(static_cast<std::size_t>(i), cancel(), true);
          else
            e.record(static_cast<std::size_t>(i),
                     real(std::to_string(i).c_str()), false);
        }
      });
    for (auto &th : threads)
      th.join();
    EXPECT_EQ(e.index(), 1u);
    EXPECT_EQ(what_of(e), "1");
  }
}

// Spins at cancellation points until cancelled (kara::cancelled) or the
// deadline; `started` tells the failing sibling it may fail now.
void wait_for_cancel(std::atomic<bool> &started) {
  started.store(true);
  auto deadline = test_clock::now() + 5s;
  while (test_clock::now() < deadline) {
    kara::this_task::checkpoint();
    std::this_thread::yield();
  }
}
void fail_after(std::atomic<bool> &started) {
  auto deadline = test_clock::now() + 5s;
  while (!started.load() && test_clock::now() < deadline)
    std::this_thread::yield();
  throw std::runtime_error("real");
}

TEST(LowestErrorRule, Par) {
  if (kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers to run the branches concurrently";
  for (int round = 0; round < 10; ++round) {
    std::atomic<bool> a{false}, b{false};
    try {
      kara::par([&] { wait_for_cancel(a); }, [&] { wait_for_cancel(b); },
                [&] {
                  fail_after(a);
                  return 0;
                });
      FAIL() << "no exception";
    } catch (const std::runtime_error &e) {
      EXPECT_STREQ(e.what(), "real");
    } catch (const kara::cancelled &) {
      FAIL() << "a cancellation caused by the failure won";
    }
  }
}

TEST(LowestErrorRule, Race) {
  // A race's failures do not cancel the others; a branch that ends with
  // kara::cancelled (its own nested work was cancelled) still loses to a
  // real error at a higher index.
  for (int round = 0; round < 10; ++round) {
    try {
      kara::race([]() -> int { throw kara::cancelled(); },
                 []() -> int { throw std::runtime_error("real"); });
      FAIL() << "no exception";
    } catch (const std::runtime_error &e) {
      EXPECT_STREQ(e.what(), "real");
    } catch (const kara::cancelled &) {
      FAIL() << "a cancellation won over the real error";
    }
  }
  // Only cancellations: kara::cancelled.
  EXPECT_THROW(kara::race([]() -> int { throw kara::cancelled(); },
                          []() -> int { throw kara::cancelled(); }),
               kara::cancelled);
}

TEST(LowestErrorRule, Map) {
  if (kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers to run elements concurrently";
  std::vector<int> v(64);
  std::iota(v.begin(), v.end(), 0);
  for (int round = 0; round < 10; ++round) {
    std::atomic<bool> started{false};
    try {
      kara::map(
          [&](int x) {
            if (x == 0)
              wait_for_cancel(started);
            else if (x == 63)
              fail_after(started);
            return x;
          },
          v);
      FAIL() << "no exception";
    } catch (const std::runtime_error &e) {
      EXPECT_STREQ(e.what(), "real");
    } catch (const kara::cancelled &) {
      FAIL() << "a cancellation caused by the failure won";
    }
  }
}

TEST(LowestErrorRule, MapLimited) {
  if (kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers to run the lanes concurrently";
  std::vector<int> v(16);
  std::iota(v.begin(), v.end(), 0);
  for (int round = 0; round < 10; ++round) {
    std::atomic<bool> started{false};
    try {
      // Two lanes: element 0 waits at cancellation points, element 1 fails
      // once element 0 runs, which cancels element 0.
      kara::map_limited(
          [&](int x) {
            if (x == 0)
              wait_for_cancel(started);
            else if (x == 1)
              fail_after(started);
            return x;
          },
          v, 2);
      FAIL() << "no exception";
    } catch (const std::runtime_error &e) {
      EXPECT_STREQ(e.what(), "real");
    } catch (const kara::cancelled &) {
      FAIL() << "a cancellation caused by the failure won";
    }
  }
}

} // namespace
