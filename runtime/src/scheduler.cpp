// The compute pool: one deque per worker (locked; pushes happen only when a
// worker is idle, so the lock is off the fast path), an injection queue for
// other threads, and parking with a sleeper list.
//
// Lost wake-ups are excluded by a handshake on the sleeper count: a pusher
// publishes the task and then does an RMW on the count; a worker going to
// sleep increments the count and then re-checks the queues. Whichever RMW is
// second sees the other side.

#include "internal.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define KARA_CPU_RELAX() _mm_pause()
#else
#define KARA_CPU_RELAX() std::this_thread::yield()
#endif

namespace kara::detail {

idle_counter g_idle{{1}, {}};

// ---------------------------------------------------------------- parkers
// Parkers are never freed: a completing thread may unpark a waiter's parker
// after the waiter returned (even after its thread exited), so they are
// recycled through a free list instead. A stale unpark only causes one
// spurious wake-up, and every park is in a loop that re-checks its condition.
struct parker {
  std::mutex mutex;
  std::condition_variable cv;
  bool token = false;
  parker *next_free = nullptr;
};

namespace {
struct parker_free_list {
  std::mutex mutex;
  parker *head = nullptr;
};
parker_free_list &free_parkers() {
  static auto *list = new parker_free_list; // immortal
  return *list;
}
struct thread_parker {
  parker *p = nullptr;
  ~thread_parker() {
    if (p == nullptr)
      return;
    auto &list = free_parkers();
    std::lock_guard<std::mutex> lock(list.mutex);
    p->next_free = list.head;
    list.head = p;
  }
};
thread_local thread_parker tls_parker;
} // namespace

parker *this_thread_parker() noexcept {
  if (tls_parker.p == nullptr) {
    auto &list = free_parkers();
    std::lock_guard<std::mutex> lock(list.mutex);
    if (list.head != nullptr) {
      tls_parker.p = list.head;
      list.head = list.head->next_free;
    } else {
      tls_parker.p = new parker;
    }
  }
  return tls_parker.p;
}

void unpark(parker *p) noexcept {
  {
    std::lock_guard<std::mutex> lock(p->mutex);
    p->token = true;
  }
  p->cv.notify_one();
}

void park(parker *p) noexcept {
  std::unique_lock<std::mutex> lock(p->mutex);
  p->cv.wait(lock, [p] { return p->token; });
  p->token = false;
}

void park_until(parker *p, clock::time_point deadline) noexcept {
  std::unique_lock<std::mutex> lock(p->mutex);
  p->cv.wait_until(lock, deadline, [p] { return p->token; });
  p->token = false;
}

// ---------------------------------------------------------------- pool
namespace {

struct worker {
  unsigned index = 0;
  std::mutex deque_mutex;
  std::deque<task *> deque; // owner at the back, thieves at the front
  std::atomic<std::size_t> deque_size{0};
  // Set by the worker thread once it runs; read by others to wake it.
  std::atomic<parker *> wake{nullptr};
  std::uint64_t rng = 0;
  std::thread thread;
};

thread_local worker *tls_worker = nullptr;

unsigned configured_threads() noexcept {
  if (const char *env = std::getenv("KARA_THREADS")) {
    char *end = nullptr;
    long n = std::strtol(env, &end, 10);
    if (end != env && n > 0)
      return static_cast<unsigned>(std::min<long>(n, 1024));
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : hw;
}

class pool {
public:
  explicit pool(unsigned n) {
    trace_start();
    workers_.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
      auto w = std::make_unique<worker>();
      w->index = i;
      w->rng = 0x9E3779B97F4A7C15ull * (i + 1);
      workers_.push_back(std::move(w));
    }
    g_idle.value.store(0, std::memory_order_relaxed);
    for (auto &w : workers_) {
      worker *raw = w.get();
      raw->thread = std::thread([this, raw] { run_worker(*raw); });
    }
  }

  void shutdown() noexcept {
    stopping_.store(true, std::memory_order_seq_cst);
    for (auto &w : workers_) {
      // Wake everyone, sleeping or not (a stale token is harmless).
      while (w->wake.load(std::memory_order_acquire) == nullptr)
        std::this_thread::yield();
      unpark(w->wake.load(std::memory_order_acquire));
    }
    for (auto &w : workers_)
      if (w->thread.joinable())
        w->thread.join();
    g_idle.value.store(0, std::memory_order_relaxed);
  }

  bool push(task *const *tasks, std::size_t count) noexcept {
    if (stopping_.load(std::memory_order_relaxed))
      return false;
    if (worker *w = tls_worker) {
      std::lock_guard<std::mutex> lock(w->deque_mutex);
      for (std::size_t i = 0; i < count; ++i)
        w->deque.push_back(tasks[i]);
      w->deque_size.store(w->deque.size(), std::memory_order_relaxed);
    } else {
      std::lock_guard<std::mutex> lock(injection_mutex_);
      for (std::size_t i = 0; i < count; ++i)
        injection_.push_back(tasks[i]);
      injection_size_.store(injection_.size(), std::memory_order_relaxed);
    }
    wake_sleepers(count);
    return true;
  }

  bool pop_if(task *t) noexcept {
    worker *w = tls_worker;
    if (w == nullptr || w->deque_size.load(std::memory_order_relaxed) == 0)
      return false;
    std::lock_guard<std::mutex> lock(w->deque_mutex);
    if (w->deque.empty() || w->deque.back() != t)
      return false;
    w->deque.pop_back();
    w->deque_size.store(w->deque.size(), std::memory_order_relaxed);
    return true;
  }

  void wait_on_worker(worker &w, completion &c) noexcept {
    idle_advert advert;
    bool registered = false;
    unsigned spins = 0;
    while (!c.done()) {
      if (run_or_spin(w, advert, spins))
        continue;
      advert.offer();
      spins = 0;
      if (!registered) {
        void *expected = nullptr;
        if (c.waiter().compare_exchange_strong(
                expected, w.wake.load(std::memory_order_relaxed),
                std::memory_order_acq_rel)) {
          registered = true;
        } else if (expected == completion::done_mark()) {
          break;
        } else {
          // Another thread waits on the same completion (two joiners):
          // poll instead of parking.
          std::this_thread::sleep_for(std::chrono::microseconds(50));
          continue;
        }
      }
      sleep(w, &c);
    }
  }

private:
  static constexpr unsigned spin_limit = 96;
  // Failed search rounds before a worker counts as idle (makes `par` offer
  // work). Delaying it was tried to spare victims the slow path while a thief
  // that just finished a tiny task looks around, but it makes coarse pars
  // started right after other work run inline, so it is off.
  static constexpr unsigned advertise_after = 0;

  /// This worker's contribution to g_idle.
  class idle_advert {
  public:
    idle_advert() = default;
    idle_advert(const idle_advert &) = delete;
    ~idle_advert() { withdraw(); }
    void offer() noexcept {
      if (!offered_) {
        g_idle.value.fetch_add(1, std::memory_order_relaxed);
        offered_ = true;
      }
    }
    void withdraw() noexcept {
      if (offered_) {
        g_idle.value.fetch_sub(1, std::memory_order_relaxed);
        offered_ = false;
      }
    }

  private:
    bool offered_ = false;
  };

  static void relax(unsigned spins) noexcept {
    if (spins < 64) {
      for (int i = 0; i < 16; ++i)
        KARA_CPU_RELAX();
    } else {
      std::this_thread::yield();
    }
  }
  /// One step of a worker looking for work: run a task it finds, or spin a
  /// little longer (advertising itself as idle). False once the spin budget
  /// is spent, when the caller should park.
  bool run_or_spin(worker &w, idle_advert &advert, unsigned &spins) noexcept {
    if (task *t = find_work(w)) {
      advert.withdraw();
      execute(t);
      spins = 0;
      return true;
    }
    if (++spins < spin_limit) {
      if (spins >= advertise_after)
        advert.offer();
      relax(spins);
      return true;
    }
    return false;
  }

  void run_worker(worker &w) {
    tls_worker = &w;
    w.wake.store(this_thread_parker(), std::memory_order_release);
    trace_thread_name("worker", w.index);
    idle_advert advert;
    unsigned spins = 0;
    while (!stopping_.load(std::memory_order_acquire)) {
      if (run_or_spin(w, advert, spins))
        continue;
      spins = 0;
      advert.offer();
      sleep(w, nullptr);
    }
  }

  task *find_work(worker &w) noexcept {
    if (w.deque_size.load(std::memory_order_relaxed) != 0) {
      std::lock_guard<std::mutex> lock(w.deque_mutex);
      if (!w.deque.empty()) {
        task *t = w.deque.back();
        w.deque.pop_back();
        w.deque_size.store(w.deque.size(), std::memory_order_relaxed);
        return t;
      }
    }
    if (injection_size_.load(std::memory_order_relaxed) != 0) {
      std::lock_guard<std::mutex> lock(injection_mutex_);
      if (!injection_.empty()) {
        task *t = injection_.front();
        injection_.pop_front();
        injection_size_.store(injection_.size(), std::memory_order_relaxed);
        return t;
      }
    }
    const std::size_t n = workers_.size();
    w.rng ^= w.rng << 13;
    w.rng ^= w.rng >> 7;
    w.rng ^= w.rng << 17;
    const std::size_t start = static_cast<std::size_t>(w.rng % n);
    for (std::size_t k = 0; k < n; ++k) {
      worker &victim = *workers_[(start + k) % n];
      if (&victim == &w ||
          victim.deque_size.load(std::memory_order_relaxed) == 0)
        continue;
      std::lock_guard<std::mutex> lock(victim.deque_mutex);
      if (!victim.deque.empty()) {
        task *t = victim.deque.front(); // the oldest: the biggest piece
        victim.deque.pop_front();
        victim.deque_size.store(victim.deque.size(), std::memory_order_relaxed);
        return t;
      }
    }
    return nullptr;
  }

  bool work_visible() const noexcept {
    if (injection_size_.load(std::memory_order_seq_cst) != 0)
      return true;
    for (auto &w : workers_)
      if (w->deque_size.load(std::memory_order_seq_cst) != 0)
        return true;
    return false;
  }

  void wake_sleepers(std::size_t count) noexcept {
    // An RMW, not a load: it reads the latest count, and a sleeper whose
    // registration comes later in the count's order synchronises with it and
    // so sees the task we just published. (TSan does not model fences.)
    if (sleeper_count_.fetch_add(0, std::memory_order_seq_cst) == 0)
      return;
    while (count-- > 0) {
      worker *s = nullptr;
      {
        std::lock_guard<std::mutex> lock(sleep_mutex_);
        if (sleepers_.empty())
          return;
        s = sleepers_.back();
        sleepers_.pop_back();
        sleeper_count_.fetch_sub(1, std::memory_order_seq_cst);
      }
      unpark(s->wake.load(std::memory_order_acquire));
    }
  }

  /// Parks `w` until there may be work, shutdown, or `c` is done.
  void sleep(worker &w, completion *c) noexcept {
    {
      std::lock_guard<std::mutex> lock(sleep_mutex_);
      sleepers_.push_back(&w);
      sleeper_count_.fetch_add(1, std::memory_order_seq_cst);
    }
    if (!work_visible() && !stopping_.load(std::memory_order_seq_cst) &&
        !(c != nullptr && c->done()))
      park(w.wake.load(std::memory_order_relaxed));
    std::lock_guard<std::mutex> lock(sleep_mutex_);
    auto it = std::find(sleepers_.begin(), sleepers_.end(), &w);
    if (it != sleepers_.end()) {
      sleepers_.erase(it);
      sleeper_count_.fetch_sub(1, std::memory_order_seq_cst);
    }
  }

  std::vector<std::unique_ptr<worker>> workers_;
  std::mutex injection_mutex_;
  std::deque<task *> injection_;
  std::atomic<std::size_t> injection_size_{0};
  std::mutex sleep_mutex_;
  std::vector<worker *> sleepers_;
  std::atomic<int> sleeper_count_{0};
  std::atomic<bool> stopping_{false};
};

std::atomic<pool *> g_pool{nullptr};
std::atomic<bool> g_shut_down{false};

// Shuts everything down at exit, after main returned; by then no task can be
// running (every task is owned by a scope, a par or a handle).
struct pool_owner {
  explicit pool_owner(unsigned threads) : p(std::make_unique<pool>(threads)) {}
  pool_owner(const pool_owner &) = delete;
  std::unique_ptr<pool> p;
  ~pool_owner() {
    g_shut_down.store(true);
    if (p)
      p->shutdown();
    g_pool.store(nullptr);
    blocking_shutdown();
    timer_shutdown();
    trace_shutdown();
  }
};

pool *get_pool() noexcept {
  pool *p = g_pool.load(std::memory_order_acquire);
  if (KARA_LIKELY(p != nullptr))
    return p;
  if (g_shut_down.load())
    return nullptr;
  static pool_owner owner(configured_threads());
  g_pool.store(owner.p.get(), std::memory_order_release);
  return g_shut_down.load() ? nullptr : owner.p.get();
}

} // namespace

unsigned detail_thread_count() noexcept { return configured_threads(); }

std::size_t map_grain(std::size_t n) noexcept {
  // Enough pieces that blocking elements overlap and the load balances, few
  // enough that splitting stays a small fraction of the work.
  const std::size_t pieces = 64 * std::size_t{configured_threads()};
  return n / pieces > 0 ? n / pieces : 1;
}

bool on_worker() noexcept { return tls_worker != nullptr; }

bool should_offer() noexcept {
  worker *w = tls_worker;
  return w != nullptr && w->deque_size.load(std::memory_order_relaxed) == 0;
}

bool ensure_started() noexcept { return get_pool() != nullptr; }

bool push(task *t) noexcept { return push_batch(&t, 1); }

bool push_batch(task *const *tasks, std::size_t count) noexcept {
  pool *p = get_pool();
  return p != nullptr && p->push(tasks, count);
}

bool pop_if(task *t) noexcept {
  pool *p = g_pool.load(std::memory_order_acquire);
  return p != nullptr && p->pop_if(t);
}

void execute(task *t) noexcept {
  if (!trace_enabled()) {
    t->run(t);
    return;
  }
  const char *name = t->name; // t may be freed by run()
  const int index = t->index;
  const std::int64_t start = trace_now();
  t->run(t);
  trace_record(name, index, start, trace_now());
}

bool wait_helping(completion &c) noexcept {
  worker *w = tls_worker;
  pool *p = g_pool.load(std::memory_order_acquire);
  if (w == nullptr || p == nullptr)
    return false;
  p->wait_on_worker(*w, c);
  return true;
}

void wait(completion &c) noexcept {
  if (c.done() || wait_helping(c))
    return;
  parker *me = this_thread_parker();
  void *expected = nullptr;
  if (!c.waiter().compare_exchange_strong(expected, me,
                                          std::memory_order_acq_rel)) {
    // Done, or another thread already waits on it: poll.
    while (!c.done())
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    return;
  }
  while (!c.done())
    park(me);
}

} // namespace kara::detail

unsigned kara::thread_count() noexcept {
  return kara::detail::detail_thread_count();
}
