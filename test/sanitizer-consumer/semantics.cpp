// The runtime's semantics in one program, built by a consumer of the installed
// package with -fsanitize=thread or -fsanitize=address,undefined: every
// primitive runs with real concurrency, and the sanitizer must report nothing.
// Prints one line per primitive; the output does not depend on the number of
// workers (the test runs it with KARA_THREADS=1, 2 and 4).
#include "support.hpp"

#include <kara/runtime.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

int failures = 0;

void expect(bool ok, const char *what) {
  std::printf("%s %s\n", ok ? "ok" : "FAILED", what);
  if (!ok)
    ++failures;
}

// Each branch writes its own slot of a shared vector: the writes race unless
// the runtime's join orders them before the reads.
void par_and_join() {
  std::vector<long> out(4, 0);
  kara::par(
      [&] { out[0] = consumer::fib(18); }, [&] { out[1] = consumer::fib(19); },
      [&] { out[2] = consumer::fib(20); }, [&] { out[3] = consumer::fib(21); });
  expect(out == std::vector<long>{2584, 4181, 6765, 10946}, "par");

  auto [s, n] = kara::par([] { return std::string("kara"); },
                          [] { return consumer::fib(15); });
  expect(s == "kara" && n == 610, "par results");

  bool threw = false;
  try {
    kara::par([] { consumer::fib(16); },
              [] { throw std::runtime_error("branch"); });
  } catch (const std::runtime_error &) {
    threw = true;
  }
  expect(threw, "par exception");
}

void scope_and_spawn() {
  std::atomic<int> done{0};
  std::vector<int> slots(64, 0);
  int total = kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 64; ++i)
      n.spawn([&, i] {
        slots[i] = i;
        // A task spawning into the same nursery.
        if (i % 8 == 0)
          n.spawn([&] { done.fetch_add(1, std::memory_order_relaxed); });
      });
    auto h =
        n.spawn([](int k) { return static_cast<int>(consumer::fib(k)); }, 20);
    return h.join();
  });
  expect(total == 6765 && done.load() == 8 &&
             std::accumulate(slots.begin(), slots.end(), 0) == 63 * 64 / 2,
         "scope/spawn");

  auto h =
      kara::spawn([](std::string s) { return s.size(); }, std::string("owned"));
  expect(h.join() == 5, "kara::spawn");

  kara::unique<std::vector<int>> u = kara::recover([] {
    return std::vector<int>{1, 2, 3};
  });
  auto moved = kara::spawn(
      [](kara::unique<std::vector<int>> v) {
        v.get().push_back(4);
        return v;
      },
      std::move(u));
  std::vector<int> back = kara::unwrap(moved.join());
  expect(back.size() == 4 && back[3] == 4, "unique/recover/unwrap");
}

void cancellation() {
  // n.cancel() wakes tasks sleeping in the runtime (a task it reaches
  // before it started does not run at all).
  auto start = std::chrono::steady_clock::now();
  std::atomic<int> slept{0};
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 4; ++i)
      n.spawn([&] {
        kara::this_task::sleep_for(10s);
        slept.fetch_add(1);
      });
    kara::this_task::sleep_for(20ms);
    n.cancel();
  });
  expect(slept.load() == 0 && std::chrono::steady_clock::now() - start < 5s,
         "scope cancel");

  // A failing task cancels its scope, which wakes its sleeping siblings.
  start = std::chrono::steady_clock::now();
  std::atomic<bool> sibling_slept{false};
  bool threw = false;
  try {
    kara::scope([&](kara::nursery &n) {
      n.spawn([&] {
        kara::this_task::sleep_for(10s);
        sibling_slept = true;
      });
      n.spawn([] {
        kara::this_task::sleep_for(5ms);
        throw std::logic_error("fail");
      });
    });
  } catch (const std::logic_error &) {
    threw = true;
  }
  expect(threw && !sibling_slept.load() &&
             std::chrono::steady_clock::now() - start < 5s,
         "failure cancels the scope");

  // A failing par branch cancels its siblings. With one worker the par may
  // run inline, where the first branch ends before the second starts: both
  // outcomes are correct, so the branch is bounded and only the absence of
  // sanitizer reports is tested.
  try {
    kara::par(
        [] {
          auto until = std::chrono::steady_clock::now() + 100ms;
          while (!kara::this_task::stop_requested() &&
                 std::chrono::steady_clock::now() < until)
            kara::this_task::sleep_for(1ms);
        },
        [] {
          kara::this_task::sleep_for(5ms);
          throw std::logic_error("fail");
        });
  } catch (const std::logic_error &) {
  }
  std::printf("ok par failure\n");

  // A dropped join_handle cancels its task and waits for it.
  start = std::chrono::steady_clock::now();
  std::atomic<bool> finished{false};
  {
    auto h = kara::spawn([&] {
      kara::this_task::sleep_for(10s);
      finished = true;
    });
    kara::this_task::sleep_for(10ms);
  }
  expect(!finished.load() && std::chrono::steady_clock::now() - start < 5s,
         "join_handle cancel");
}

void race_map_timeout() {
  int winner = kara::race(
      [] {
        kara::this_task::sleep_for(10s);
        return 1;
      },
      [] {
        kara::this_task::sleep_for(5ms);
        return 2;
      });
  expect(winner == 2, "race");

  std::vector<int> in(1000);
  std::iota(in.begin(), in.end(), 0);
  std::vector<long> sq = kara::map([](int x) { return long(x) * x; }, in);
  long sum = std::accumulate(sq.begin(), sq.end(), 0L);
  expect(sum == 332833500L, "map");

  std::atomic<int> in_flight{0}, peak{0};
  std::vector<int> lim = kara::map_limited(
      [&](int x) {
        int now = in_flight.fetch_add(1) + 1;
        int p = peak.load();
        while (now > p && !peak.compare_exchange_weak(p, now)) {
        }
        kara::blocking([] { std::this_thread::sleep_for(1ms); });
        in_flight.fetch_sub(1);
        return x + 1;
      },
      std::vector<int>(32, 1), 3);
  expect(lim == std::vector<int>(32, 2) && peak.load() <= 3, "map_limited");

  std::optional<int> late = kara::with_timeout(20ms, [] {
    kara::this_task::sleep_for(10s);
    return 1;
  });
  std::optional<int> early = kara::with_timeout(10s, [] { return 7; });
  expect(!late && early == 7, "with_timeout");
}

void blocking() {
  std::vector<int> out(8, 0);
  kara::scope([&](kara::nursery &n) {
    for (int i = 0; i < 8; ++i)
      n.spawn([&, i] {
        out[i] = kara::blocking([i] {
          std::this_thread::sleep_for(2ms);
          return i * 10;
        });
      });
  });
  auto h = kara::spawn_blocking([](int x) { return x * 2; }, 21);
  expect(out[7] == 70 && h.join() == 42, "blocking");
}

} // namespace

int main() {
  par_and_join();
  scope_and_spawn();
  cancellation();
  race_map_timeout();
  blocking();
  std::printf("%s\n", failures == 0 ? "semantics ok" : "semantics FAILED");
  return failures == 0 ? 0 : 1;
}
