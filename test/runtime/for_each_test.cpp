// kara::for_each, for_each_index, reduce_index, reduce (kara/for_each.hpp).
#include "test_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

// An exception that says which index threw.
struct index_error : std::runtime_error {
  explicit index_error(long i)
      : std::runtime_error("index " + std::to_string(i)), index(i) {}
  long index;
};

// Waits up to `limit` for `flag`; true if it was seen.
bool wait_for(const std::atomic<bool> &flag,
              std::chrono::milliseconds limit = 2000ms) {
  auto deadline = test_clock::now() + limit * kTimeSlack;
  while (!flag.load()) {
    if (test_clock::now() > deadline)
      return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(ForEach, EveryIndexExactlyOnceAndResultsInPlace) {
  const int n = 100000;
  std::vector<std::atomic<int>> hits(n);
  std::vector<long> out(n, -1);
  kara::for_each_index(0, n, [&](int i) {
    hits[i].fetch_add(1, std::memory_order_relaxed);
    out[i] = long{i} * i;
  });
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(hits[i].load(), 1) << i;
    ASSERT_EQ(out[i], long{i} * i) << i;
  }
}

TEST(ForEach, EmptyAndOneElementRanges) {
  std::atomic<int> calls{0};
  kara::for_each_index(5, 5, [&](int) { calls++; });
  kara::for_each_index(5, 3, [&](int) { calls++; }); // last < first: nothing
  std::vector<int> none;
  kara::for_each(none, [&](int &) { calls++; });
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(kara::reduce_index(3, 3, 42, std::plus<>(), [](int) { return 1; }),
            42);
  int seen = -1;
  kara::for_each_index(7, 8, [&](int i) { seen = i; });
  EXPECT_EQ(seen, 7);
  std::vector<int> one{9};
  kara::for_each(one, [](int &x) { x *= 2; });
  EXPECT_EQ(one[0], 18);
  EXPECT_EQ(kara::reduce(one, 1, std::plus<>(), [](int x) { return x; }), 19);
}

TEST(ForEach, ExtremeIndexTypesDoNotOverflow) {
  std::atomic<long> sum{0};
  kara::for_each_index(INT_MAX - 9, INT_MAX,
                       [&](int i) { sum += long{INT_MAX} - i; });
  EXPECT_EQ(sum.load(), 45 + 0); // 9 + 8 + ... + 1
  std::atomic<int> count{0};
  kara::for_each_index(INT_MIN, INT_MIN + 3, [&](int i) {
    EXPECT_LE(i, INT_MIN + 2);
    count++;
  });
  EXPECT_EQ(count.load(), 3);
  const auto top = UINT64_MAX;
  EXPECT_EQ(kara::reduce_index(top - 100, top, std::uint64_t{0}, std::plus<>(),
                               [&](std::uint64_t i) { return top - i; }),
            5050u);
  signed char lo = -128, hi = 127;
  EXPECT_EQ(kara::reduce_index(lo, hi, 0, std::plus<>(),
                               [](signed char c) { return int{c}; }),
            -255); // -128 + ... + 126
}

TEST(ForEach, HugeRange) {
  const long n = 40'000'000 / static_cast<long>(kStressScale);
  long got = kara::reduce_index(0L, n, 0L, std::plus<>(),
                                [](long i) { return i & 7; });
  long want = 0;
  for (long i = 0; i < n; ++i)
    want += i & 7;
  EXPECT_EQ(got, want);
}

TEST(ForEach, ElementsByReference) {
  std::vector<int> v(5000);
  for (int i = 0; i < 5000; ++i)
    v[i] = i;
  kara::for_each(v, [](int &x) { x = x * 3 + 1; });
  for (int i = 0; i < 5000; ++i)
    ASSERT_EQ(v[i], i * 3 + 1);
  std::vector<std::atomic<int>> seen(v.size());
  kara::for_each(v, [&](const int &x) { seen[&x - v.data()]++; });
  for (auto &s : seen)
    ASSERT_EQ(s.load(), 1);
  std::deque<int> d(3000, 1);
  kara::for_each(d, [](int &x) { x += 1; });
  EXPECT_EQ(std::count(d.begin(), d.end(), 2), 3000);
  std::array<int, 4> a{1, 2, 3, 4};
  const auto &ca = a;
  EXPECT_EQ(kara::reduce(ca, 0, std::plus<>(), [](int x) { return x * x; }),
            30);
}

TEST(ForEach, GrainKeepsBlocksWholeAndAligned) {
  // Each index records (thread, position in that thread's sequence of calls):
  // a block [7k, 7k + 7) must be one thread's consecutive calls.
  const int n = 7 * 3000 + 5;
  struct mark {
    std::thread::id thread;
    long seq;
  };
  std::vector<mark> marks(n);
  static thread_local long calls = 0;
  kara::for_each_index(0, n, kara::grain{7}, [&](int i) {
    marks[i] = {std::this_thread::get_id(), calls++};
  });
  for (int i = 0; i < n; ++i) {
    if (i % 7 == 0)
      continue;
    ASSERT_EQ(marks[i].thread, marks[i - 1].thread) << i;
    ASSERT_EQ(marks[i].seq, marks[i - 1].seq + 1) << i;
  }
  EXPECT_EQ(kara::reduce_index(0, 1001, kara::grain{10}, 0L, std::plus<>(),
                               [](int i) { return long{i}; }),
            500500);
  EXPECT_EQ(kara::grain{0}.n, 1u);
}

TEST(ForEach, NestedLoops) {
  const int rows = 64, cols = 2000;
  std::vector<int> cells(rows * cols, 0);
  kara::for_each_index(0, rows, [&](int r) {
    kara::for_each_index(0, cols, [&](int c) { cells[r * cols + c] += r + c; });
  });
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      ASSERT_EQ(cells[r * cols + c], r + c);
  long total = kara::reduce_index(0, rows, 0L, std::plus<>(), [&](int r) {
    return kara::reduce_index(0, cols, 0L, std::plus<>(),
                              [&](int c) { return long{cells[r * cols + c]}; });
  });
  EXPECT_EQ(total, long{rows} * cols * (rows - 1) / 2 +
                       long{rows} * cols * (cols - 1) / 2);
}

TEST(ForEach, ReductionEqualsSequential) {
  const int n = 300000;
  auto f = [](int i) {
    return static_cast<std::uint64_t>(i) * 2654435761u ^ (i >> 3);
  };
  std::uint64_t seq_sum = 0, seq_xor = 0, seq_min = UINT64_MAX, seq_max = 0;
  for (int i = 0; i < n; ++i) {
    seq_sum += f(i);
    seq_xor ^= f(i);
    seq_min = std::min(seq_min, f(i));
    seq_max = std::max(seq_max, f(i));
  }
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(kara::reduce_index(0, n, std::uint64_t{0}, std::plus<>(), f),
              seq_sum);
    EXPECT_EQ(kara::reduce_index(0, n, std::uint64_t{0}, std::bit_xor<>(), f),
              seq_xor);
    auto mn = [](std::uint64_t a, std::uint64_t b) { return std::min(a, b); };
    auto mx = [](std::uint64_t a, std::uint64_t b) { return std::max(a, b); };
    EXPECT_EQ(kara::reduce_index(0, n, std::uint64_t{UINT64_MAX}, mn, f),
              seq_min);
    EXPECT_EQ(kara::reduce_index(0, n, std::uint64_t{0}, mx, f), seq_max);
  }
}

TEST(ForEach, ReductionKeepsIndexOrder) {
  // Concatenation is associative but not commutative: any swap of partial
  // results, or `init` used twice, changes the string.
  const int n = 3000;
  std::string want = "<";
  for (int i = 0; i < n; ++i)
    want += std::to_string(i % 10);
  auto cat = [](std::string a, const std::string &b) { return a + b; };
  auto digit = [](int i) { return std::to_string(i % 10); };
  EXPECT_EQ(kara::reduce_index(0, n, std::string("<"), cat, digit), want);
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i)
    v[i] = i % 10;
  EXPECT_EQ(kara::reduce(v, kara::grain{3}, std::string("<"), cat,
                         [](int x) { return std::to_string(x); }),
            want);
}

TEST(ForEach, FloatReductionIsCloseToSequential) {
  const int n = 100000;
  double seq = 0;
  for (int i = 0; i < n; ++i)
    seq += 1.0 / (1 + i);
  double par = kara::reduce_index(0, n, 0.0, std::plus<>(),
                                  [](int i) { return 1.0 / (1 + i); });
  EXPECT_NEAR(par, seq, 1e-9);
}

TEST(ForEach, LowestIndexExceptionAndEverythingBelowRan) {
  const int n = 20000;
  for (int round = 0; round < 5; ++round) {
    std::vector<std::atomic<bool>> ran(n);
    try {
      kara::for_each_index(0, n, [&](int i) {
        ran[i] = true;
        if (i == 777 || i == 5000 || i == n - 1)
          throw index_error(i);
      });
      FAIL() << "no exception";
    } catch (const index_error &e) {
      EXPECT_EQ(e.index, 777);
    }
    for (int i = 0; i < 777; ++i)
      ASSERT_TRUE(ran[i].load()) << i;
  }
}

TEST(ForEach, LowerIndexWinsEvenWhenItThrowsLater) {
  // The upper failure happens first in time; the lower one must still win,
  // and the lower iterations are not cancelled by the upper failure.
  const int n = 64;
  std::atomic<bool> upper_threw{false};
  std::atomic<bool> lower_saw_stop{false};
  const bool concurrent = kara::thread_count() >= 2;
  try {
    kara::for_each_index(0, n, kara::grain{1}, [&](int i) {
      if (i == n - 1) {
        upper_threw = true;
        throw index_error(i);
      }
      if (i < 10) // block boundaries at which an idle worker gets [>=32, 64)
        std::this_thread::sleep_for(1ms);
      if (i == 10) {
        if (concurrent)
          wait_for(upper_threw, 500ms);
        if (kara::this_task::stop_requested())
          lower_saw_stop = true;
        throw index_error(i);
      }
    });
    FAIL() << "no exception";
  } catch (const index_error &e) {
    EXPECT_EQ(e.index, 10);
  }
  EXPECT_FALSE(lower_saw_stop.load());
}

TEST(ForEach, SingleThreadFailureStopsLikeSequentialCode) {
  if (kara::thread_count() != 1)
    GTEST_SKIP() << "runs under KARA_THREADS=1";
  const int n = 10000;
  std::vector<std::atomic<bool>> ran(n);
  try {
    kara::for_each_index(0, n, [&](int i) {
      ran[i] = true;
      if (i == 300 || i == 301 || i == 9000)
        throw index_error(i);
    });
    FAIL() << "no exception";
  } catch (const index_error &e) {
    EXPECT_EQ(e.index, 300);
  }
  for (int i = 0; i < n; ++i)
    ASSERT_EQ(ran[i].load(), i <= 300) << i;
}

TEST(ForEach, FailureCancelsIterationsAbove) {
  if (kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers";
  // Indices >= 32 spin until cancelled; index 31 fails once one of them
  // runs. The indices below sleep so that the loop meets an idle worker at
  // a block boundary (any split point is >= 32: the upper half of what
  // remains after index 0).
  const int n = 64;
  std::atomic<bool> upper_running{false};
  std::atomic<int> upper_stopped{0};
  std::atomic<int> upper_timed_out{0};
  auto start = test_clock::now();
  try {
    kara::for_each_index(0, n, kara::grain{1}, [&](int i) {
      if (i >= 32) {
        upper_running = true;
        auto deadline = test_clock::now() + 5s;
        while (!kara::this_task::stop_requested()) {
          if (test_clock::now() > deadline) {
            upper_timed_out++;
            return;
          }
          std::this_thread::yield();
        }
        upper_stopped++;
        return;
      }
      if (i == 31) {
        wait_for(upper_running);
        throw index_error(i);
      }
      std::this_thread::sleep_for(1ms);
    });
    FAIL() << "no exception";
  } catch (const index_error &e) {
    EXPECT_EQ(e.index, 31);
  }
  EXPECT_EQ(upper_timed_out.load(), 0);
  EXPECT_LT(ms_since(start), 4000 * kTimeSlack);
  if (upper_running.load()) {
    EXPECT_GE(upper_stopped.load(), 1);
  }
}

TEST(ForEach, ExceptionsFromReductionsAndOps) {
  EXPECT_THROW(kara::reduce_index(0, 1000, 0, std::plus<>(),
                                  [](int i) -> int {
                                    if (i == 500)
                                      throw index_error(i);
                                    return i;
                                  }),
               index_error);
  auto bad_op = [](int a, int b) {
    if (b == 123)
      throw std::logic_error("op");
    return a + b;
  };
  EXPECT_THROW(kara::reduce_index(0, 1000, 0, bad_op, [](int i) { return i; }),
               std::logic_error);
}

TEST(ForEach, CancelledFromOutside) {
  std::atomic<int> done{0};
  std::atomic<bool> loop_threw_cancelled{false};
  std::atomic<bool> started{false};
  auto start = test_clock::now();
  kara::scope([&](kara::nursery &s) {
    (void)s.spawn([&] {
      try {
        kara::for_each_index(0, 1'000'000, [&](int) {
          started = true;
          std::this_thread::sleep_for(100us);
          done++;
        });
      } catch (const kara::cancelled &) {
        loop_threw_cancelled = true;
      }
    });
    wait_for(started);
    std::this_thread::sleep_for(10ms);
    s.cancel();
  });
  EXPECT_TRUE(loop_threw_cancelled.load());
  EXPECT_LT(done.load(), 1'000'000);
  EXPECT_LT(ms_since(start), 5000 * kTimeSlack);
}

TEST(ForEach, LoopInCancelledTaskRunsNothing) {
  std::atomic<int> calls{0};
  bool threw = false;
  kara::scope([&](kara::nursery &s) {
    s.cancel();
    try {
      kara::for_each_index(0, 100, [&](int) { calls++; });
    } catch (const kara::cancelled &) {
      threw = true;
    }
  });
  EXPECT_TRUE(threw);
  EXPECT_EQ(calls.load(), 0);
}

TEST(ForEach, CancellationReachesNestedLoops) {
  if (kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers";
  // Outer index 7 fails after inner loops of outer indices >= 9 run; their
  // inner iterations must see stop_requested(). (Split points are >= 8.)
  std::atomic<bool> inner_running{false};
  std::atomic<int> inner_stopped{0};
  try {
    kara::for_each_index(0, 16, kara::grain{1}, [&](int o) {
      if (o < 7) {
        std::this_thread::sleep_for(1ms);
        return;
      }
      if (o == 7) {
        wait_for(inner_running);
        throw index_error(o);
      }
      if (o == 8)
        return;
      kara::for_each_index(0, 4, kara::grain{1}, [&](int) {
        inner_running = true;
        auto deadline = test_clock::now() + 5s;
        while (!kara::this_task::stop_requested() &&
               test_clock::now() < deadline)
          std::this_thread::yield();
        if (kara::this_task::stop_requested())
          inner_stopped++;
      });
    });
    FAIL() << "no exception";
  } catch (const index_error &e) {
    EXPECT_EQ(e.index, 7);
  }
  if (inner_running.load()) {
    EXPECT_GE(inner_stopped.load(), 1);
  }
}

TEST(ForEach, FromInsideParBranchesAndForeignThreads) {
  const int n = 50000;
  auto sum = [&] {
    return kara::reduce_index(0, n, 0L, std::plus<>(),
                              [](int i) { return long{i}; });
  };
  const long want = long{n} * (n - 1) / 2;
  auto [a, b] = kara::par(sum, sum);
  EXPECT_EQ(a, want);
  EXPECT_EQ(b, want);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&] {
      if (sum() == want)
        ok++;
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(ok.load(), 3);
  auto h = kara::spawn([&] { return sum(); });
  EXPECT_EQ(h.join(), want);
}

TEST(ForEach, UsesMoreThanOneThreadWhenWorkersAreFree) {
  if (kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers";
  // Heavy iterations: an idle worker must get a share. Retried because
  // the machine may be busy.
  bool shared = false;
  for (int attempt = 0; attempt < 20 && !shared; ++attempt) {
    std::vector<std::thread::id> who(64);
    kara::for_each_index(0, 64, [&](int i) {
      std::this_thread::sleep_for(200us);
      who[i] = std::this_thread::get_id();
    });
    // Index 0 runs on the caller (main), the rest on workers: two distinct
    // ids among those mean the loop was split.
    shared = std::any_of(who.begin() + 1, who.end(),
                         [&](auto id) { return id != who[1]; });
  }
  EXPECT_TRUE(shared);
}

} // namespace
