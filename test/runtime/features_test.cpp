#include "test_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

// ------------------------------------------------------------ blocking
TEST(Blocking, SixtyFourSleepsOverlapViaMap) {
  std::vector<int> items(64);
  auto start = test_clock::now();
  kara::map(
      [](int) { kara::blocking([] { std::this_thread::sleep_for(50ms); }); },
      items);
  double ms = ms_since(start);
  EXPECT_LT(ms, 200 * kTimeSlack) << "took " << ms << " ms";
}

TEST(Blocking, SixtyFourSleepsOverlapViaScope) {
  auto start = test_clock::now();
  kara::scope([](kara::nursery &n) {
    for (int i = 0; i < 64; ++i)
      (void)n.spawn(
          [] { kara::blocking([] { std::this_thread::sleep_for(50ms); }); });
  });
  double ms = ms_since(start);
  EXPECT_LT(ms, 200 * kTimeSlack) << "took " << ms << " ms";
}

TEST(Blocking, SixtyFourSleepsViaSpawnBlocking) {
  auto start = test_clock::now();
  {
    std::vector<kara::join_handle<int>> hs;
    for (int i = 0; i < 64; ++i)
      hs.push_back(kara::spawn_blocking(
          [](int v) {
            std::this_thread::sleep_for(50ms);
            return v;
          },
          i));
    int sum = 0;
    for (auto &h : hs)
      sum += h.join();
    EXPECT_EQ(sum, 63 * 64 / 2);
  }
  EXPECT_LT(ms_since(start), 200 * kTimeSlack);
}

TEST(Blocking, ComputeStaysAvailable) {
  // While blocking jobs sleep, compute work still runs on the workers.
  auto start = test_clock::now();
  auto [slept, computed] = kara::par(
      [] {
        return kara::blocking([] {
          std::this_thread::sleep_for(100ms);
          return 1;
        });
      },
      [] {
        long s = 0;
        for (int i = 0; i < 1000; ++i)
          s += i;
        return s;
      });
  EXPECT_EQ(slept, 1);
  EXPECT_EQ(computed, 499500);
  EXPECT_LT(ms_since(start), 1000 * kTimeSlack);
}

TEST(Blocking, ExceptionsAndCancellationVisibleInside) {
  EXPECT_THROW(kara::blocking([]() -> int { throw std::runtime_error("b"); }),
               std::runtime_error);
  kara::scope([](kara::nursery &n) {
    n.cancel();
    bool seen =
        kara::blocking([] { return kara::this_task::stop_requested(); });
    EXPECT_TRUE(seen);
  });
}

// ------------------------------------------------------------ with_timeout
TEST(Timeout, ValueWhenFast) {
  auto r = kara::with_timeout(1s, [] { return 7; });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 7);
  EXPECT_TRUE(kara::with_timeout(1s, [] {}));
}

TEST(Timeout, NulloptWhenSlow) {
  auto start = test_clock::now();
  auto r = kara::with_timeout(30ms, [] {
    kara::this_task::sleep_for(10s);
    return 1;
  });
  EXPECT_FALSE(r.has_value());
  EXPECT_LT(ms_since(start), 2000);
  EXPECT_FALSE(kara::with_timeout(10ms, [] {
    for (;;)
      kara::this_task::checkpoint();
  }));
}

TEST(Timeout, CancelsNestedWork) {
  std::atomic<int> saw{0};
  auto r = kara::with_timeout(30ms, [&] {
    kara::scope([&](kara::nursery &n) {
      for (int i = 0; i < 4; ++i)
        (void)n.spawn([&] {
          try {
            kara::this_task::sleep_for(10s);
          } catch (const kara::cancelled &) {
            saw.fetch_add(1);
            throw;
          }
        });
    });
    kara::this_task::checkpoint();
    return 1;
  });
  EXPECT_FALSE(r.has_value());
}

TEST(Timeout, OtherExceptionsPropagate) {
  EXPECT_THROW(
      kara::with_timeout(1s, []() -> int { throw std::logic_error("x"); }),
      std::logic_error);
}

TEST(Timeout, OuterCancellationIsNotATimeout) {
  kara::scope([](kara::nursery &n) {
    n.cancel();
    EXPECT_THROW(kara::with_timeout(10s, [] { kara::this_task::checkpoint(); }),
                 kara::cancelled);
  });
}

// ------------------------------------------------------------ race
TEST(Race, FastestWinsAndLosersAreCancelled) {
  std::atomic<bool> loser_cancelled{false};
  auto start = test_clock::now();
  std::string r = kara::race(
      [&] {
        try {
          kara::this_task::sleep_for(10s);
        } catch (const kara::cancelled &) {
          loser_cancelled = true;
          throw;
        }
        return std::string("slow");
      },
      [] {
        kara::this_task::sleep_for(5ms);
        return std::string("fast");
      });
  EXPECT_EQ(r, "fast");
  EXPECT_LT(ms_since(start), 3000);
}

TEST(Race, FailuresLetOthersWin) {
  int r = kara::race([]() -> int { throw std::runtime_error("a"); },
                     [] {
                       kara::this_task::sleep_for(5ms);
                       return 2;
                     });
  EXPECT_EQ(r, 2);
  try {
    kara::race([]() -> int { throw std::runtime_error("zero"); },
               []() -> int { throw std::logic_error("one"); });
    FAIL();
  } catch (const std::runtime_error &e) {
    EXPECT_STREQ(e.what(), "zero");
  }
}

// ------------------------------------------------------------ map
TEST(Map, ResultsInOrder) {
  std::vector<int> v(1000);
  for (int i = 0; i < 1000; ++i)
    v[i] = i;
  auto sq = kara::map([](int x) { return x * x; }, v);
  ASSERT_EQ(sq.size(), 1000u);
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(sq[i], i * i);
  std::list<std::string> words{"a", "bb", "ccc"};
  auto lens = kara::map([](const std::string &s) { return s.size(); }, words);
  EXPECT_EQ(lens, (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_TRUE(kara::map([](int x) { return x; }, std::vector<int>{}).empty());
  std::atomic<int> count{0};
  kara::map([&](int) { count.fetch_add(1); }, v);
  EXPECT_EQ(count.load(), 1000);
}

TEST(Map, LowestIndexException) {
  std::vector<int> v(200);
  for (int i = 0; i < 200; ++i)
    v[i] = i;
  for (int round = 0; round < 20; ++round) {
    try {
      kara::map(
          [](int x) {
            if (x == 150)
              throw std::logic_error("150");
            if (x == 40) {
              std::this_thread::sleep_for(1ms);
              throw std::runtime_error("40");
            }
            return x;
          },
          v);
      FAIL();
    } catch (const std::runtime_error &e) {
      EXPECT_STREQ(e.what(), "40");
    } catch (const std::logic_error &) {
      // 150 failed first and cancelled 40 before it started: allowed, since
      // element 40 never ran (lowest index among the elements that ran).
    }
  }
}

TEST(Map, LimitedBoundsConcurrency) {
  std::vector<int> v(40);
  for (int i = 0; i < 40; ++i)
    v[i] = i;
  std::atomic<int> in_flight{0}, max_seen{0};
  auto r = kara::map_limited(
      [&](int x) {
        int now = in_flight.fetch_add(1) + 1;
        int prev = max_seen.load();
        while (now > prev && !max_seen.compare_exchange_weak(prev, now)) {
        }
        kara::blocking([] { std::this_thread::sleep_for(2ms); });
        in_flight.fetch_sub(1);
        return x + 1;
      },
      v, 3);
  ASSERT_EQ(r.size(), 40u);
  for (int i = 0; i < 40; ++i)
    EXPECT_EQ(r[i], i + 1);
  EXPECT_LE(max_seen.load(), 3);
  EXPECT_GE(max_seen.load(), 1);
}

TEST(Map, LimitedOverlapsBlockingWork) {
  std::vector<int> v(16);
  auto start = test_clock::now();
  kara::map_limited(
      [](int) { kara::blocking([] { std::this_thread::sleep_for(40ms); }); }, v,
      8);
  // 16 sleeps of 40 ms, 8 at a time: about 80 ms, not 640 ms.
  EXPECT_LT(ms_since(start), 300 * kTimeSlack);
}

TEST(Map, LimitedErrors) {
  std::vector<int> v(50);
  for (int i = 0; i < 50; ++i)
    v[i] = i;
  EXPECT_THROW(kara::map_limited(
                   [](int x) {
                     if (x == 10)
                       throw std::runtime_error("10");
                     return x;
                   },
                   v, 4),
               std::runtime_error);
}

// ------------------------------------------------------------ sendable
struct OptedIn {
  int x;
};
struct MemberOptIn {
  using kara_sendable = void;
  double d;
};
struct Plain {
  int *p;
};
enum class Color { red };
} // namespace

template <> struct kara::enable_sendable<OptedIn> : std::true_type {};

namespace {
static_assert(kara::is_sendable_v<int>);
static_assert(kara::is_sendable_v<const double>);
static_assert(kara::is_sendable_v<Color>);
static_assert(kara::is_sendable_v<std::string>);
static_assert(kara::is_sendable_v<std::vector<std::map<std::string, int>>>);
static_assert(kara::is_sendable_v<std::tuple<int, std::optional<std::string>>>);
static_assert(kara::is_sendable_v<std::variant<int, std::string>>);
static_assert(kara::is_sendable_v<std::shared_ptr<const std::string>>);
static_assert(kara::is_sendable_v<kara::unique<Plain>>);
static_assert(kara::is_sendable_v<OptedIn>);
static_assert(kara::is_sendable_v<MemberOptIn>);
static_assert(kara::is_sendable_v<int (*)(int)>);
static_assert(!kara::is_sendable_v<int *>);
static_assert(!kara::is_sendable_v<const int *>);
static_assert(!kara::is_sendable_v<int &>);
static_assert(!kara::is_sendable_v<std::shared_ptr<std::string>>);
static_assert(!kara::is_sendable_v<std::vector<int *>>);
static_assert(!kara::is_sendable_v<std::shared_ptr<const std::vector<int *>>>);
static_assert(!kara::is_sendable_v<Plain>);
static_assert(!kara::is_sendable_v<std::string_view>);
static_assert(!kara::is_sendable_v<std::unique_ptr<int>>);
#if KARA_HAS_CONCEPTS
static_assert(kara::sendable<std::string>);
static_assert(!kara::sendable<char *>);
#endif

TEST(Unique, RecoverSpawnUnwrap) {
  struct Node {
    int value;
    Node *self; // internal pointer: fine inside a unique
  };
  kara::unique<Node> u = kara::recover([] {
    Node n{5, nullptr};
    return n;
  });
  u.get().self = &u.get();
  EXPECT_TRUE(u.has_value());
  auto h = kara::spawn(
      [](kara::unique<Node> n) {
        EXPECT_EQ(n->self, &n.get()); // the Node did not move
        n.get().value += 1;
        return n;
      },
      std::move(u));
  EXPECT_FALSE(u.has_value()); // NOLINT(bugprone-use-after-move)
  kara::unique<Node> back = h.join();
  Node n = kara::unwrap(std::move(back));
  EXPECT_EQ(n.value, 6);
  EXPECT_FALSE(back.has_value()); // NOLINT(bugprone-use-after-move)
  static_assert(!std::is_copy_constructible_v<kara::unique<Node>>);
}

} // namespace
