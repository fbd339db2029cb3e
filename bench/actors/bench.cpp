// kara-bench-actors: actors against CAF (memory per actor, ping-pong and
// fan-in throughput) and kara::channel against a mutex+condvar queue and
// oneTBB's concurrent_bounded_queue, printing ratios. Figures and the
// command are in docs/benchmarks-actors.md. `--smoke` runs tiny sizes.
#include <kara/runtime.hpp>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(KARA_BENCH_HAVE_CAF)
#include <caf/all.hpp>
#endif
#if defined(KARA_BENCH_HAVE_TBB)
#include <tbb/concurrent_queue.h>
#endif

namespace {

using bench_clock = std::chrono::steady_clock;

double seconds_since(bench_clock::time_point t) {
  return std::chrono::duration<double>(bench_clock::now() - t).count();
}
std::size_t heap_bytes() { return mallinfo2().uordblks; }

// Median of `reps` runs of `f()` (which returns seconds).
template <class F> double median_of(int reps, F f) {
  std::vector<double> v;
  for (int i = 0; i < reps; ++i)
    v.push_back(f());
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// ------------------------------------------------------------------ kara
struct Counter {
  void add(long x) { n += x; }
  long get() const { return n; }
  long n = 0;
};

double kara_memory(std::size_t actors) {
  std::size_t before = heap_bytes();
  std::vector<kara::actor<Counter>> v;
  v.reserve(actors);
  std::size_t reserved = heap_bytes();
  for (std::size_t i = 0; i < actors; ++i)
    v.emplace_back();
  for (auto &a : v) // every actor has run a message and is idle again
    a.send(&Counter::add, 1L);
  long sum = 0;
  for (auto &a : v)
    sum += a.call(&Counter::get);
  if (sum != static_cast<long>(actors))
    std::abort();
  std::size_t after = heap_bytes();
  (void)before;
  return static_cast<double>(after - reserved) / static_cast<double>(actors);
}

kara::promise<void> *g_pingpong_done = nullptr;
struct Player {
  void hit(kara::actor<Player> other, kara::actor<Player> me, long n) {
    if (n == 0)
      g_pingpong_done->set_value();
    else
      other.send(&Player::hit, std::move(me), other, n - 1);
  }
};

double kara_pingpong(long n) {
  kara::promise<void> done;
  kara::future<void> f = done.get_future();
  g_pingpong_done = &done;
  kara::actor<Player> a, b;
  auto t = bench_clock::now();
  a.send(&Player::hit, b, a, n);
  f.get();
  return seconds_since(t);
}

double kara_fanin(int producers, long per) {
  kara::actor<Counter> c;
  auto t = bench_clock::now();
  std::vector<std::thread> ts;
  for (int p = 0; p < producers; ++p)
    ts.emplace_back([c, per] {
      for (long i = 0; i < per; ++i)
        c.send(&Counter::add, 1L);
    });
  for (auto &th : ts)
    th.join();
  long got = c.call(&Counter::get);
  double s = seconds_since(t);
  if (got != producers * per)
    std::abort();
  return s;
}

// ------------------------------------------------------------------ CAF
#if defined(KARA_BENCH_HAVE_CAF)
caf::actor_system *g_caf = nullptr; // lives in main (CAF dislikes statics)
caf::actor_system &caf_system() { return *g_caf; }

double caf_memory(std::size_t actors) {
  auto &sys = caf_system();
  std::size_t before = heap_bytes();
  std::vector<caf::actor> v;
  v.reserve(actors);
  std::size_t reserved = heap_bytes();
  for (std::size_t i = 0; i < actors; ++i)
    v.push_back(sys.spawn([](caf::event_based_actor *) -> caf::behavior {
      auto n = std::make_shared<long>(0);
      return {[n](long x) { return *n += x; }};
    }));
  caf::scoped_actor self{sys};
  long sum = 0;
  for (auto &a : v)
    self->request(a, caf::infinite, 1L)
        .receive([&](long r) { sum += r; }, [](caf::error &) { std::abort(); });
  if (sum != static_cast<long>(actors))
    std::abort();
  std::size_t after = heap_bytes();
  (void)before;
  double per =
      static_cast<double>(after - reserved) / static_cast<double>(actors);
  for (auto &a : v)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  return per;
}

double caf_pingpong(long n) {
  auto &sys = caf_system();
  auto pong = sys.spawn([](caf::event_based_actor *) -> caf::behavior {
    return {[](long k) { return k; }};
  });
  std::promise<void> done;
  auto f = done.get_future();
  auto t = bench_clock::now();
  auto ping = sys.spawn([&, n](caf::event_based_actor *self) -> caf::behavior {
    self->send(pong, n);
    return {[=, &done](long k) {
      if (k > 0) {
        self->send(pong, k - 1);
      } else {
        done.set_value();
        self->quit();
      }
    }};
  });
  f.wait();
  double s = seconds_since(t);
  caf::anon_send_exit(pong, caf::exit_reason::user_shutdown);
  return s;
}

double caf_fanin(int producers, long per) {
  auto &sys = caf_system();
  auto c = sys.spawn([](caf::event_based_actor *) -> caf::behavior {
    auto n = std::make_shared<long>(0);
    return {[n](long x) { *n += x; }, [n](caf::get_atom) { return *n; }};
  });
  auto t = bench_clock::now();
  std::vector<std::thread> ts;
  for (int p = 0; p < producers; ++p)
    ts.emplace_back([c, per] {
      for (long i = 0; i < per; ++i)
        caf::anon_send(c, 1L);
    });
  for (auto &th : ts)
    th.join();
  caf::scoped_actor self{sys};
  long got = 0;
  self->request(c, caf::infinite, caf::get_atom_v)
      .receive([&](long r) { got = r; }, [](caf::error &) { std::abort(); });
  double s = seconds_since(t);
  if (got != producers * per)
    std::abort();
  caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  return s;
}
#endif

// -------------------------------------------------------------- channels
class mutex_queue {
public:
  explicit mutex_queue(std::size_t cap) : cap_(cap) {}
  void push(int v) {
    std::unique_lock<std::mutex> l(m_);
    not_full_.wait(l, [&] { return q_.size() < cap_; });
    q_.push_back(v);
    not_empty_.notify_one();
  }
  void pop(int &v) {
    std::unique_lock<std::mutex> l(m_);
    not_empty_.wait(l, [&] { return !q_.empty(); });
    v = q_.front();
    q_.pop_front();
    not_full_.notify_one();
  }

private:
  std::mutex m_;
  std::condition_variable not_full_, not_empty_;
  std::deque<int> q_;
  std::size_t cap_;
};

struct kara_queue {
  explicit kara_queue(std::size_t cap) : ch(cap) {}
  void push(int v) { ch.send(v); }
  void pop(int &v) { v = *ch.recv(); }
  kara::channel<int> ch;
};

#if defined(KARA_BENCH_HAVE_TBB)
struct tbb_queue {
  explicit tbb_queue(std::size_t cap) {
    q.set_capacity(static_cast<std::ptrdiff_t>(cap));
  }
  void push(int v) { q.push(v); }
  void pop(int &v) { q.pop(v); }
  tbb::concurrent_bounded_queue<int> q;
};
#endif

// `threads` producers and as many consumers on OS threads, `items` in all.
template <class Q>
double queue_throughput(int threads, long items, std::size_t cap) {
  Q q(cap);
  const long per = items / threads;
  std::vector<std::thread> ts;
  std::atomic<long> sum{0};
  auto t = bench_clock::now();
  for (int i = 0; i < threads; ++i) {
    ts.emplace_back([&] {
      for (long k = 0; k < per; ++k)
        q.push(1);
    });
    ts.emplace_back([&] {
      long s = 0;
      int v;
      for (long k = 0; k < per; ++k) {
        q.pop(v);
        s += v;
      }
      sum += s;
    });
  }
  for (auto &th : ts)
    th.join();
  double s = seconds_since(t);
  if (sum.load() != per * threads)
    std::abort();
  return s;
}

void row(const char *what, double kara_s, double other_s, const char *other,
         double units, const char *unit) {
  std::printf("%-34s kara %10.3f %s  %s %10.3f %s  kara/%s %.2fx\n", what,
              units / kara_s / 1e6, unit, other, units / other_s / 1e6, unit,
              other, other_s / kara_s);
}

} // namespace

int main(int argc, char **argv) {
  const bool smoke = argc > 1 && std::strcmp(argv[1], "--smoke") == 0;
  const int reps = smoke ? 1 : 5;
  const std::size_t actors = smoke ? 1000 : 100000;
  const long pings = smoke ? 1000 : 1000000;
  const int producers = 8;
  const long per = smoke ? 1000 : 250000;
  const long items = smoke ? 10000 : 500000;
  std::printf(
      "kara-bench-actors: %u workers (KARA_THREADS), %u hardware threads%s\n",
      kara::thread_count(), std::thread::hardware_concurrency(),
      smoke ? ", smoke sizes" : "");

#if defined(KARA_BENCH_HAVE_CAF)
  caf::actor_system_config caf_cfg;
  caf::actor_system caf_sys{caf_cfg};
  g_caf = &caf_sys;
#endif
  double kmem = kara_memory(actors);
  std::printf("memory per idle actor (%zu actors, heap bytes incl. T=8B; "
              "kara::actor<T>::footprint %zu B):\n",
              actors, kara::actor<Counter>::footprint);
#if defined(KARA_BENCH_HAVE_CAF)
  double cmem = caf_memory(actors);
  std::printf("  kara %.0f B, CAF %.0f B, kara/CAF %.2fx the memory\n", kmem,
              cmem, kmem / cmem);
#else
  std::printf("  kara %.0f B (CAF not built)\n", kmem);
#endif

  double kp = median_of(reps, [&] { return kara_pingpong(pings); });
  double kf = median_of(reps, [&] { return kara_fanin(producers, per); });
#if defined(KARA_BENCH_HAVE_CAF)
  double cp = median_of(reps, [&] { return caf_pingpong(pings); });
  double cf = median_of(reps, [&] { return caf_fanin(producers, per); });
  std::printf("throughput in millions of messages per second (median of %d), "
              "ratio = speed-up of kara over CAF:\n",
              reps);
  row("ping-pong (2 actors)", kp, cp, "CAF", double(pings), "M/s");
  row("fan-in (8 threads -> 1 actor)", kf, cf, "CAF", double(producers * per),
      "M/s");
#else
  std::printf("ping-pong %.3f M/s, fan-in %.3f M/s (CAF not built)\n",
              pings / kp / 1e6, producers * per / kf / 1e6);
#endif

  const int qreps = smoke ? 1 : 3; // oneTBB's queue is slow when oversubscribed
  for (int pairs : {1, 4}) {
    std::printf("bounded queue, %d producer(s) + %d consumer(s) on OS threads, "
                "capacity 1024, %ld items (M items/s):\n",
                pairs, pairs, items);
    double kc = median_of(qreps, [&] {
      return queue_throughput<kara_queue>(pairs, items, 1024);
    });
    double mc = median_of(qreps, [&] {
      return queue_throughput<mutex_queue>(pairs, items, 1024);
    });
    row("kara::channel vs mutex+condvar", kc, mc, "mutex", double(items),
        "M/s");
#if defined(KARA_BENCH_HAVE_TBB)
    double tc = median_of(
        qreps, [&] { return queue_throughput<tbb_queue>(pairs, items, 1024); });
    row("kara::channel vs tbb bounded", kc, tc, "tbb", double(items), "M/s");
#endif
  }
  return 0;
}
