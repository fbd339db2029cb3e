// The compute pool: a Chase-Lev deque per worker thread, an injection queue
// for other threads, parking with a sleeper list, and a monitor that replaces
// workers blocked in the OS (docs/runtime.md, "Blocking nobody marked").
//
// Slots. The pool runs `n_` threads' worth of compute (KARA_THREADS). A
// thread holds a slot while it runs; it gives the slot away when the monitor
// finds it blocked in the OS, or when it enters a `blocking_region`. A slot
// given away is taken by a spare thread (woken, or created up to
// KARA_MAX_THREADS). A thread that comes back reclaims a slot, so for a while
// more than `n_` threads hold one; the surplus retires (parks as a spare) the
// next time a thread is between tasks with an empty deque.
//
// Lost wake-ups are excluded by a handshake on the sleeper count: a pusher
// publishes the task and then does an RMW on the count; a worker going to
// sleep increments the count and then re-checks the queues. Whichever RMW is
// second sees the other side.

#include "deque.hpp"
#include "internal.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define KARA_CPU_RELAX() _mm_pause()
#else
#define KARA_CPU_RELAX() std::this_thread::yield()
#endif

namespace kara::detail {

idle_counter g_idle{{1}, {}};

void advertise_early() noexcept;

// ---------------------------------------------------------------- parkers
// Parkers are never freed: a completing thread may unpark a waiter's parker
// after the waiter returned (even after its thread exited), so they are
// recycled through a free list instead. A stale unpark only causes one
// spurious wake-up, and every park is in a loop that re-checks its condition.
struct parker {
  std::mutex mutex;
  std::condition_variable cv;
  bool token = false;
  // Belongs to a thread that is not a compute worker. Atomic: shutdown may
  // wake a parker that a retired thread returned and another thread took.
  std::atomic<bool> outside{false};
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
    tls_parker.p->outside.store(!on_worker(), std::memory_order_relaxed);
  }
  return tls_parker.p;
}

void unpark(parker *p) noexcept {
  // A worker waking a thread outside the pool (the end of a par, scope or
  // join that thread waits for) is about to look for work: count it idle
  // now, so that thread's next par finds it (no momentary zero in g_idle).
  if (p->outside.load(std::memory_order_relaxed))
    advertise_early();
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

std::atomic<bool> g_stats_timing{false};

constexpr unsigned char st_idle = 0;    // looking for work, spinning, parked
constexpr unsigned char st_running = 1; // running a task (user code)

/// One compute thread. Fields marked "owner" are touched only by the thread
/// itself; the atomics it writes are on its own cache lines, read by others
/// only on slow paths (stealing, the monitor's 1 ms tick, stats).
struct alignas(64) worker {
  ws_deque deque;
  unsigned index = 0;
  std::uint64_t rng = 0;   // owner
  bool advertised = false; // owner: counted in g_idle
  int region_depth = 0;    // owner: nesting of blocking_region
  std::atomic<parker *> wake{nullptr};
  std::atomic<unsigned char> state{st_idle};
  std::atomic<std::uint32_t> activity{0}; // bumped on every state change
  std::atomic<bool> released{false};      // its slot was given away
  std::atomic<bool> spare{false};         // retired, parked until needed
  std::atomic<long> tid{0};
  clockid_t cpu_clock{};
  bool has_cpu_clock = false;
  // Monitor only.
  std::uint32_t seen_activity = 0;
  std::int64_t seen_cpu = -1;
  std::int64_t seen_wall = 0;
  // Statistics (owner writes, relaxed; read by stats()).
  std::atomic<std::uint64_t> steals{0};
  std::atomic<std::uint64_t> pushed{0};      // tasks it made stealable
  std::atomic<std::uint64_t> popped_back{0}; // of those, taken back by pop_if
  std::atomic<std::uint64_t> stolen_ns{0};
  std::atomic<std::uint64_t> stolen_hist[pool_stats::buckets] = {};
  std::thread thread;
};

thread_local worker *tls_worker = nullptr;

/// Owner-only counter bump: a relaxed load and store, no read-modify-write
/// (only the owner writes; stats() reads it racily, which is fine).
inline void bump(std::atomic<std::uint64_t> &c, std::uint64_t by = 1) noexcept {
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

long env_long(const char *name, long fallback) noexcept {
  if (const char *env = std::getenv(name)) {
    char *end = nullptr;
    long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n >= 0)
      return n;
  }
  return fallback;
}

unsigned configured_threads() noexcept {
  long n = env_long("KARA_THREADS", 0);
  if (n > 0)
    return static_cast<unsigned>(std::min<long>(n, 1024));
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : hw;
}

/// Bound on compute threads, compensation included (KARA_MAX_THREADS).
unsigned configured_max_threads(unsigned n) noexcept {
  long fallback = std::max<long>(4L * n, n + 256L);
  long m = env_long("KARA_MAX_THREADS", fallback);
  return static_cast<unsigned>(std::clamp<long>(m, n, 4096));
}

std::int64_t steady_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

/// True unless /proc says the thread is runnable ('R': running, or preempted
/// on a loaded machine, which is not blocking).
bool blocked_in_os(long tid) noexcept {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%ld/stat", tid);
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return true; // no procfs: trust the CPU clock alone
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0)
    return true;
  buf[n] = '\0';
  const char *paren = std::strrchr(buf, ')');
  if (paren == nullptr || paren[1] == '\0' || paren[2] == '\0')
    return true;
  return paren[2] != 'R';
}

bool stats_requested() noexcept { return env_long("KARA_STATS", 0) != 0; }

// ThreadSanitizer models neither membarrier nor the private deque's compiler
// barrier: sanitized builds queue every task as shared (eager mode).
#if defined(__SANITIZE_THREAD__)
#define KARA_LAZY_DEQUE 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KARA_LAZY_DEQUE 0
#endif
#endif
#ifndef KARA_LAZY_DEQUE
#define KARA_LAZY_DEQUE 1
#endif

long membarrier(int cmd) noexcept {
  return ::syscall(SYS_membarrier, cmd, 0, 0);
}

/// Private deque parts need a claimer (the monitor) and a working
/// asymmetric barrier; otherwise every task is shared at its push.
bool lazy_deques_possible(bool monitor_on) noexcept {
  if (!KARA_LAZY_DEQUE || !monitor_on || env_long("KARA_LAZY_SPAWN", 1) == 0)
    return false;
  const long cmds = membarrier(MEMBARRIER_CMD_QUERY);
  return cmds >= 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0 &&
         membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
}

std::size_t histogram_bucket(std::int64_t ns) noexcept {
  // Bucket 0: < 1 us; bucket k: [4^(k-1), 4^k) us; the last is open.
  std::size_t k = 0;
  std::int64_t limit = 1000;
  while (k + 1 < pool_stats::buckets && ns >= limit) {
    ++k;
    limit *= 4;
  }
  return k;
}

class pool {
public:
  explicit pool(unsigned n)
      : n_(n), max_(configured_max_threads(n)),
        workers_(std::make_unique<std::atomic<worker *>[]>(max_)),
        monitor_on_(env_long("KARA_MONITOR", 1) != 0),
        lazy_(lazy_deques_possible(monitor_on_)) {
    trace_start();
    if (stats_requested())
      g_stats_timing.store(true, std::memory_order_relaxed);
    g_idle.value.store(0, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(spawn_mutex_);
      int created = 0;
      for (unsigned i = 0; i < n; ++i)
        created += create_worker_locked() ? 1 : 0;
      active_.store(created, std::memory_order_relaxed);
    }
    claimed_.reserve(max_);
    if (monitor_on_)
      monitor_ = std::thread([this] { monitor_loop(); });
  }

  ~pool() {
    const unsigned count = count_.load(std::memory_order_acquire);
    for (unsigned i = 0; i < count; ++i)
      delete workers_[i].load(std::memory_order_relaxed);
  }

  void shutdown() noexcept {
    stopping_.store(true, std::memory_order_seq_cst);
    {
      std::lock_guard<std::mutex> lock(monitor_mutex_);
      monitor_cv_.notify_all();
    }
    if (monitor_.joinable())
      monitor_.join();
    unsigned count = 0;
    {
      // fill_slots re-checks stopping_ under this lock: no creation after.
      std::lock_guard<std::mutex> lock(spawn_mutex_);
      count = count_.load(std::memory_order_acquire);
    }
    for (unsigned i = 0; i < count; ++i) {
      worker *w = workers_[i].load(std::memory_order_acquire);
      // Wake everyone, sleeping or not (a stale token is harmless).
      while (w->wake.load(std::memory_order_acquire) == nullptr)
        std::this_thread::yield();
      unpark(w->wake.load(std::memory_order_acquire));
    }
    for (unsigned i = 0; i < count; ++i) {
      worker *w = workers_[i].load(std::memory_order_acquire);
      if (w->thread.joinable())
        w->thread.join();
    }
    g_idle.value.store(0, std::memory_order_relaxed);
  }

  bool push(task *const *tasks, std::size_t count) noexcept {
    if (stopping_.load(std::memory_order_relaxed))
      return false;
    if (worker *w = tls_worker) {
      reclaim(*w);
      for (std::size_t i = 0; i < count; ++i)
        w->deque.push(tasks[i], !lazy_);
      if (lazy_)
        w->deque.publish();
      bump(w->pushed, count);
      // Fast path: nobody sleeps (a relaxed load of a line that only changes
      // when a worker parks or wakes, so it stays shared in every cache): no
      // read-modify-write. A worker that registers as a sleeper at this very
      // instant may miss this task (the store-load window of the push); it
      // is not lost (this worker pops it at its join or before it sleeps)
      // and the monitor, which ticks while a task runs, wakes a sleeper
      // within a tick when work is queued. Without the monitor, always the
      // handshake.
      if (!monitor_on_ || sleeper_count_.load(std::memory_order_relaxed) != 0)
        wake_sleepers(count);
    } else {
      std::lock_guard<std::mutex> lock(injection_mutex_);
      for (std::size_t i = 0; i < count; ++i)
        injection_.push_back(tasks[i]);
      injection_size_.store(injection_.size(), std::memory_order_relaxed);
      wake_sleepers(count);
    }
    // A slot given away by a blocking_region with no work in sight then:
    // fill it now that there is work.
    if (active_.load(std::memory_order_relaxed) < static_cast<int>(n_))
      fill_slots();
    return true;
  }

  /// A spawn: on a worker with lazy deques, the task stays private (plain
  /// stores, nothing shared written) unless a worker is idle now; it is
  /// published later if the owner blocks or waits, or by the monitor's
  /// claim. Never run here: the spawner continues first.
  bool push_lazy(task *t) noexcept {
    worker *w = tls_worker;
    if (w == nullptr || !lazy_ ||
        g_idle.value.load(std::memory_order_relaxed) != 0)
      return push(&t, 1);
    if (stopping_.load(std::memory_order_relaxed))
      return false;
    reclaim(*w);
    w->deque.push(t, false);
    bump(w->pushed);
    return true;
  }

  bool pop_if(task *t) noexcept {
    worker *w = tls_worker;
    if (w == nullptr || !w->deque.pop_if(t))
      return false;
    bump(w->popped_back);
    return true;
  }

  bool should_offer() const noexcept {
    worker *w = tls_worker;
    return w != nullptr && w->deque.owner_empty();
  }

  /// Worker only: runs this worker's own newest tasks while `c` is not done
  /// (a join whose task nobody took: no state change, no shared write).
  void run_own(worker &w, completion &c) noexcept {
    reclaim(w);
    while (!c.done()) {
      task *t = w.deque.pop();
      if (t == nullptr)
        return;
      execute(t);
    }
  }

  void wait_on_worker(worker &w, completion &c) noexcept {
    reclaim(w);
    const unsigned char saved = w.state.load(std::memory_order_relaxed);
    set_state(w, st_idle);
    bool registered = false;
    unsigned spins = 0;
    while (!c.done()) {
      if (run_or_spin(w, spins))
        continue;
      offer(w);
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
    withdraw(w);
    set_state(w, saved);
  }

  bool enter_region() noexcept {
    worker *w = tls_worker;
    if (w == nullptr)
      return false;
    if (w->region_depth++ > 0)
      return true;
    if (lazy_ && w->deque.has_private_hint())
      w->deque.publish(); // another thread must be able to take them
    if (!w->released.exchange(true, std::memory_order_acq_rel)) {
      active_.fetch_sub(1, std::memory_order_acq_rel);
      if (work_visible_hint())
        fill_slots();
    }
    return true;
  }

  void leave_region() noexcept {
    worker *w = tls_worker;
    if (w != nullptr && --w->region_depth == 0)
      reclaim(*w);
  }

  pool_stats stats() const noexcept {
    pool_stats s;
    s.workers = n_;
    s.max_threads = max_;
    s.threads = count_.load(std::memory_order_acquire);
    s.active = active_.load(std::memory_order_acquire);
    s.compensations = compensations_.load(std::memory_order_relaxed);
    s.claims = claims_.load(std::memory_order_relaxed);
    s.lazy = lazy_;
    for (unsigned i = 0; i < s.threads; ++i) {
      worker *w = workers_[i].load(std::memory_order_acquire);
      s.steals += w->steals.load(std::memory_order_relaxed);
      s.pushed += w->pushed.load(std::memory_order_relaxed);
      s.popped_back += w->popped_back.load(std::memory_order_relaxed);
      s.stolen_ns += w->stolen_ns.load(std::memory_order_relaxed);
      for (std::size_t k = 0; k < pool_stats::buckets; ++k)
        s.stolen_hist[k] += w->stolen_hist[k].load(std::memory_order_relaxed);
    }
    return s;
  }

private:
  static constexpr unsigned spin_limit = 96;
  static constexpr std::int64_t tick_ns = 1'000'000;
  static constexpr std::int64_t blocked_after_ns = 1'000'000;

  // ---- idle advertisement (g_idle): written only on idle transitions.
  static void offer(worker &w) noexcept {
    if (!w.advertised) {
      g_idle.value.fetch_add(1, std::memory_order_relaxed);
      w.advertised = true;
    }
  }
  static void withdraw(worker &w) noexcept {
    if (w.advertised) {
      g_idle.value.fetch_sub(1, std::memory_order_relaxed);
      w.advertised = false;
    }
  }

  void set_state(worker &w, unsigned char s) noexcept {
    w.state.store(s, std::memory_order_relaxed);
    w.activity.store(w.activity.load(std::memory_order_relaxed) + 1,
                     std::memory_order_relaxed);
    if (s == st_running &&
        KARA_UNLIKELY(monitor_asleep_.load(std::memory_order_relaxed)))
      poke_monitor();
  }

  /// A thread whose slot was given away is back in the runtime: it takes a
  /// slot again (the surplus retires later, between tasks).
  void reclaim(worker &w) noexcept {
    if (KARA_UNLIKELY(w.released.load(std::memory_order_relaxed)) &&
        w.region_depth == 0 &&
        w.released.exchange(false, std::memory_order_acq_rel))
      active_.fetch_add(1, std::memory_order_acq_rel);
  }

  static void relax(unsigned spins) noexcept {
    if (spins < 64) {
      for (int i = 0; i < 16; ++i)
        KARA_CPU_RELAX();
    } else {
      std::this_thread::yield();
    }
  }

  void run_stolen(worker &w, task *t) noexcept {
    bump(w.steals);
    if (!g_stats_timing.load(std::memory_order_relaxed)) {
      execute(t);
      return;
    }
    const std::int64_t start = steady_ns();
    execute(t);
    const std::int64_t ns = steady_ns() - start;
    bump(w.stolen_ns, static_cast<std::uint64_t>(ns));
    bump(w.stolen_hist[histogram_bucket(ns)]);
  }

  /// One step of a worker looking for work: run a task it finds, or spin a
  /// little longer (advertising itself as idle). False once the spin budget
  /// is spent, when the caller should park.
  bool run_or_spin(worker &w, unsigned &spins) noexcept {
    bool stolen = false;
    if (task *t = find_work(w, stolen)) {
      withdraw(w);
      set_state(w, st_running);
      if (stolen)
        run_stolen(w, t);
      else
        execute(t);
      reclaim(w);
      set_state(w, st_idle);
      spins = 0;
      return true;
    }
    offer(w);
    if (++spins < spin_limit) {
      relax(spins);
      return true;
    }
    return false;
  }

  void run_worker(worker &w) {
    tls_worker = &w;
    w.tid.store(static_cast<long>(::syscall(SYS_gettid)),
                std::memory_order_release);
    w.wake.store(this_thread_parker(), std::memory_order_release);
    trace_thread_name("worker", w.index);
    unsigned spins = 0;
    while (!stopping_.load(std::memory_order_acquire)) {
      if (KARA_UNLIKELY(active_.load(std::memory_order_relaxed) >
                        static_cast<int>(n_)) &&
          w.deque.owner_empty() && try_retire(w)) {
        spins = 0;
        continue;
      }
      if (run_or_spin(w, spins))
        continue;
      spins = 0;
      offer(w);
      sleep(w, nullptr);
    }
    withdraw(w);
  }

  /// Surplus thread between tasks: give the slot back and park as a spare.
  bool try_retire(worker &w) noexcept {
    int a = active_.load(std::memory_order_relaxed);
    while (a > static_cast<int>(n_))
      if (active_.compare_exchange_weak(a, a - 1, std::memory_order_acq_rel))
        break;
    if (a <= static_cast<int>(n_))
      return false;
    withdraw(w);
    {
      std::lock_guard<std::mutex> lock(spawn_mutex_);
      w.spare.store(true, std::memory_order_relaxed);
      spares_.push_back(&w);
    }
    parker *p = w.wake.load(std::memory_order_relaxed);
    while (w.spare.load(std::memory_order_acquire) &&
           !stopping_.load(std::memory_order_acquire))
      park(p);
    return true;
  }

  /// Gives free slots (active_ < n_) to spare or new threads while there is
  /// work in sight.
  void fill_slots() noexcept {
    while (active_.load(std::memory_order_acquire) < static_cast<int>(n_) &&
           !stopping_.load(std::memory_order_relaxed)) {
      std::lock_guard<std::mutex> lock(spawn_mutex_);
      if (active_.load(std::memory_order_acquire) >= static_cast<int>(n_) ||
          stopping_.load(std::memory_order_relaxed))
        return;
      if (!spares_.empty()) {
        worker *s = spares_.back();
        spares_.pop_back();
        active_.fetch_add(1, std::memory_order_acq_rel);
        s->spare.store(false, std::memory_order_release);
        unpark(s->wake.load(std::memory_order_acquire));
      } else if (count_.load(std::memory_order_relaxed) < max_) {
        if (!create_worker_locked())
          return; // out of threads: like the bound
        active_.fetch_add(1, std::memory_order_acq_rel);
      } else {
        return; // at the bound
      }
    }
  }

  /// False if the system refuses a thread (the pool then runs with fewer).
  bool create_worker_locked() noexcept {
    const unsigned i = count_.load(std::memory_order_relaxed);
    auto *w = new (std::nothrow) worker; // freed with the pool
    if (w == nullptr)
      return false;
    w->index = i;
    w->rng = 0x9E3779B97F4A7C15ull * (i + 1);
    try {
      w->thread = std::thread([this, w] { run_worker(*w); });
    } catch (...) {
      delete w;
      return false;
    }
    w->has_cpu_clock =
        pthread_getcpuclockid(w->thread.native_handle(), &w->cpu_clock) == 0;
    // Published only now, so others never see a half-built worker.
    workers_[i].store(w, std::memory_order_release);
    count_.store(i + 1, std::memory_order_release);
    return true;
  }

  task *find_work(worker &w, bool &stolen) noexcept {
    if (task *t = w.deque.pop())
      return t;
    if (injection_size_.load(std::memory_order_relaxed) != 0) {
      std::lock_guard<std::mutex> lock(injection_mutex_);
      if (!injection_.empty()) {
        task *t = injection_.front();
        injection_.pop_front();
        injection_size_.store(injection_.size(), std::memory_order_relaxed);
        return t;
      }
    }
    const std::size_t n = count_.load(std::memory_order_acquire);
    if (n == 0)
      return nullptr; // the first worker, before it is published
    w.rng ^= w.rng << 13;
    w.rng ^= w.rng >> 7;
    w.rng ^= w.rng << 17;
    const std::size_t start = static_cast<std::size_t>(w.rng % n);
    for (std::size_t k = 0; k < n; ++k) {
      worker *victim =
          workers_[(start + k) % n].load(std::memory_order_acquire);
      if (victim == &w || victim->deque.empty_hint())
        continue;
      if (task *t = victim->deque.steal()) {
        stolen = true;
        return t;
      }
    }
    return nullptr;
  }

  /// Whether any queue holds a task. Sequentially consistent for the sleep
  /// handshake; relaxed (a hint) for the monitor and blocking regions.
  bool work_visible(
      std::memory_order order = std::memory_order_seq_cst) const noexcept {
    if (injection_size_.load(order) != 0)
      return true;
    const unsigned count = count_.load(std::memory_order_acquire);
    for (unsigned i = 0; i < count; ++i)
      if (!workers_[i].load(std::memory_order_acquire)->deque.empty(order))
        return true;
    return false;
  }
  bool work_visible_hint() const noexcept {
    return work_visible(std::memory_order_relaxed);
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

  // ---- the monitor
  void poke_monitor() noexcept {
    if (monitor_asleep_.exchange(false, std::memory_order_relaxed)) {
      std::lock_guard<std::mutex> lock(monitor_mutex_);
      monitor_cv_.notify_one();
    }
  }

  std::int64_t cpu_ns(const worker &w) const noexcept {
    timespec ts{};
    if (!w.has_cpu_clock || clock_gettime(w.cpu_clock, &ts) != 0)
      return -1;
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  }

  /// One look at every thread. Returns whether any runs user code.
  bool monitor_tick() noexcept {
    bool work = work_visible_hint();
    const bool priv = lazy_ && private_visible();
    const std::int64_t now = steady_ns();
    const unsigned count = count_.load(std::memory_order_acquire);
    bool any_running = false;
    for (unsigned i = 0; i < count; ++i) {
      worker &w = *workers_[i].load(std::memory_order_acquire);
      if (w.state.load(std::memory_order_relaxed) != st_running ||
          w.released.load(std::memory_order_relaxed)) {
        w.seen_cpu = -1;
        continue;
      }
      any_running = true;
      if (!work && !priv) { // nothing waits: nobody needs replacing
        w.seen_cpu = -1;
        continue;
      }
      const std::uint32_t act = w.activity.load(std::memory_order_relaxed);
      const std::int64_t cpu = cpu_ns(w);
      if (cpu < 0)
        continue;
      if (w.seen_cpu < 0 || act != w.seen_activity) {
        w.seen_cpu = cpu;
        w.seen_activity = act;
        w.seen_wall = now;
        continue;
      }
      const std::int64_t wall = now - w.seen_wall;
      if (wall < blocked_after_ns)
        continue;
      // Less than 10% of a core over the window, and asleep in the kernel
      // (not merely preempted): blocked in the OS on the same task.
      if ((cpu - w.seen_cpu) * 10 < wall &&
          blocked_in_os(w.tid.load(std::memory_order_acquire))) {
        if (!w.released.exchange(true, std::memory_order_acq_rel)) {
          active_.fetch_sub(1, std::memory_order_acq_rel);
          compensations_.fetch_add(1, std::memory_order_relaxed);
        }
        w.seen_cpu = -1;
      } else {
        w.seen_cpu = cpu;
        w.seen_wall = now;
      }
    }
    if (priv && claim_private())
      work = true;
    if (work) {
      fill_slots();
      // Repairs a wake-up that a worker's push skipped (push(): nobody
      // looked asleep in the store-load window): one sleeper per tick.
      if (sleeper_count_.load(std::memory_order_relaxed) != 0)
        wake_sleepers(1);
    }
    return any_running;
  }

  bool private_visible() const noexcept {
    const unsigned count = count_.load(std::memory_order_acquire);
    for (unsigned i = 0; i < count; ++i)
      if (workers_[i].load(std::memory_order_acquire)->deque.has_private_hint())
        return true;
    return false;
  }

  /// Publishes the private tasks of workers that cannot be trusted to do it
  /// soon: those found blocked in the OS (their slot was given away), and
  /// all of them while some worker is idle. One asymmetric barrier for all.
  /// Returns whether anything was claimed.
  bool claim_private() noexcept {
    const bool idle = g_idle.value.load(std::memory_order_relaxed) > 0;
    const unsigned count = count_.load(std::memory_order_acquire);
    claimed_.clear();
    for (unsigned i = 0; i < count; ++i) {
      worker *w = workers_[i].load(std::memory_order_acquire);
      if (w->deque.has_private_hint() &&
          (idle || w->released.load(std::memory_order_relaxed)) &&
          w->deque.claim_begin())
        claimed_.push_back(w);
    }
    if (claimed_.empty())
      return false;
    // Every CPU running one of our threads executes a full barrier: after
    // it, a claimed owner either sees its claim or we see its bottom.
    const bool fenced = membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0;
    for (worker *w : claimed_)
      w->deque.claim_end(fenced); // registered at start: fenced is true
    if (!fenced)
      return false;
    bump(claims_, claimed_.size());
    return true;
  }

  void monitor_loop() {
    trace_thread_name("monitor", 0);
    std::unique_lock<std::mutex> lock(monitor_mutex_);
    while (!stopping_.load(std::memory_order_acquire)) {
      lock.unlock();
      const bool busy = monitor_tick();
      lock.lock();
      if (stopping_.load(std::memory_order_acquire))
        break;
      if (busy) {
        monitor_cv_.wait_for(lock, std::chrono::nanoseconds(tick_ns));
      } else {
        // Nothing runs: sleep until a thread starts a task (it pokes us), or
        // at most 100 ms in case a poke raced with falling asleep.
        monitor_asleep_.store(true, std::memory_order_relaxed);
        monitor_cv_.wait_for(lock, std::chrono::milliseconds(100));
        monitor_asleep_.store(false, std::memory_order_relaxed);
      }
    }
  }

  const unsigned n_;
  const unsigned max_;
  std::unique_ptr<std::atomic<worker *>[]> workers_; // capacity max_
  std::atomic<unsigned> count_{0};
  alignas(64) std::atomic<int> active_{0}; // threads holding a slot
  std::atomic<std::uint64_t> compensations_{0};
  std::mutex spawn_mutex_;
  std::vector<worker *> spares_;
  alignas(64) std::mutex injection_mutex_;
  std::deque<task *> injection_;
  std::atomic<std::size_t> injection_size_{0};
  alignas(64) std::mutex sleep_mutex_;
  std::vector<worker *> sleepers_;
  std::atomic<int> sleeper_count_{0};
  alignas(64) std::atomic<bool> stopping_{false};
  const bool monitor_on_;
  const bool lazy_; // private deque parts (docs/runtime.md, "Lazy spawn")
  std::vector<worker *> claimed_;        // monitor only
  std::atomic<std::uint64_t> claims_{0}; // monitor only writes
  std::atomic<bool> monitor_asleep_{false};
  std::mutex monitor_mutex_;
  std::condition_variable monitor_cv_;
  std::thread monitor_;
};

std::atomic<pool *> g_pool{nullptr};
std::atomic<bool> g_shut_down{false};

/// KARA_STATS=1: what the pool did, at exit (docs/runtime.md, "Counters").
void print_stats(const pool_stats &s) noexcept {
  std::fprintf(stderr,
               "kara: stats: %u workers, %u compute threads (bound %u), %llu "
               "blocked workers replaced\n",
               s.workers, s.threads, s.max_threads,
               static_cast<unsigned long long>(s.compensations));
  std::fprintf(
      stderr,
      "kara: stats: %llu tasks made stealable, %llu taken back by their "
      "worker, %llu stolen, stolen pieces %.1f us on average\n",
      static_cast<unsigned long long>(s.pushed),
      static_cast<unsigned long long>(s.popped_back),
      static_cast<unsigned long long>(s.steals),
      s.steals != 0 ? static_cast<double>(s.stolen_ns) /
                          static_cast<double>(s.steals) / 1000
                    : 0.0);
  static const char *const labels[pool_stats::buckets] = {
      "<1us", "<4us", "<16us", "<64us", "<256us", "<1ms", "<4ms", ">=4ms"};
  std::fprintf(stderr, "kara: stats: stolen pieces by run time:");
  for (std::size_t k = 0; k < pool_stats::buckets; ++k)
    std::fprintf(stderr, " %s %llu", labels[k],
                 static_cast<unsigned long long>(s.stolen_hist[k]));
  std::fprintf(stderr, "\n");
}

// Shuts everything down at exit, after main returned; by then no task can be
// running (every task is owned by a scope, a par or a handle).
struct pool_owner {
  explicit pool_owner(unsigned threads) : p(std::make_unique<pool>(threads)) {}
  pool_owner(const pool_owner &) = delete;
  std::unique_ptr<pool> p;
  ~pool_owner() {
    if (p && stats_requested())
      print_stats(p->stats());
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

pool *live_pool() noexcept { return g_pool.load(std::memory_order_acquire); }

} // namespace

// ---------------------------------------------------------------- task memory
// Without sanitizers: per-thread free lists of 64-byte size classes (glibc's
// own per-thread cache holds 7 blocks per size, fewer than the tasks a scope
// keeps alive, and spilled to its locked lists on skynet). Sanitizer builds
// use operator new/delete so ASan still sees every use after free.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define KARA_TASK_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define KARA_TASK_CACHE 0
#endif
#endif
#ifndef KARA_TASK_CACHE
#define KARA_TASK_CACHE 1
#endif

#if KARA_TASK_CACHE
namespace {
constexpr std::size_t cache_classes = 8; // 64, 128, ..., 512 bytes
constexpr std::size_t cache_depth = 64;  // blocks kept per class and thread
struct free_block {
  free_block *next;
};
struct task_cache {
  free_block *head[cache_classes] = {};
  std::size_t count[cache_classes] = {};
  ~task_cache();
};
thread_local bool tls_cache_gone = false; // trivially destructible
thread_local task_cache tls_cache;
task_cache::~task_cache() {
  tls_cache_gone = true;
  for (std::size_t k = 0; k < cache_classes; ++k)
    while (free_block *b = head[k]) {
      head[k] = b->next;
      ::operator delete(b);
    }
}
inline std::size_t cache_class(std::size_t size) noexcept {
  return (size + 63) / 64 - 1;
}
} // namespace

void *task_alloc(std::size_t size) {
  const std::size_t k = cache_class(size);
  if (k >= cache_classes)
    return ::operator new(size);
  if (!tls_cache_gone) {
    task_cache &c = tls_cache;
    if (free_block *b = c.head[k]) {
      c.head[k] = b->next;
      --c.count[k];
      return b;
    }
  }
  // Always the class's full size: the block may end in any thread's cache.
  return ::operator new((k + 1) * 64);
}

void task_free(void *p, std::size_t size) noexcept {
  const std::size_t k = cache_class(size);
  if (k < cache_classes && !tls_cache_gone) {
    task_cache &c = tls_cache;
    if (c.count[k] < cache_depth) {
      auto *b = static_cast<free_block *>(p);
      b->next = c.head[k];
      c.head[k] = b;
      ++c.count[k];
      return;
    }
  }
  ::operator delete(p);
}
#else
void *task_alloc(std::size_t size) { return ::operator new(size); }
void task_free(void *p, std::size_t) noexcept { ::operator delete(p); }
#endif

unsigned detail_thread_count() noexcept { return configured_threads(); }

std::size_t map_grain(std::size_t n) noexcept {
  // Enough pieces that blocking elements overlap and the load balances, few
  // enough that splitting stays a small fraction of the work.
  const std::size_t pieces = 64 * std::size_t{configured_threads()};
  return n / pieces > 0 ? n / pieces : 1;
}

bool on_worker() noexcept { return tls_worker != nullptr; }

bool should_offer() noexcept {
  pool *p = live_pool();
  return p != nullptr && p->should_offer();
}

bool ensure_started() noexcept { return get_pool() != nullptr; }

bool push(task *t) noexcept { return push_batch(&t, 1); }

bool push_lazy(task *t) noexcept {
  pool *p = get_pool();
  return p != nullptr && p->push_lazy(t);
}

bool push_batch(task *const *tasks, std::size_t count) noexcept {
  pool *p = get_pool();
  return p != nullptr && p->push(tasks, count);
}

bool pop_if(task *t) noexcept {
  pool *p = live_pool();
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

void advertise_early() noexcept {
  if (worker *w = tls_worker; w != nullptr && !w->advertised) {
    g_idle.value.fetch_add(1, std::memory_order_relaxed);
    w->advertised = true;
  }
}

bool blocking_enter() noexcept {
  pool *p = live_pool();
  return p != nullptr && p->enter_region();
}

void blocking_leave() noexcept {
  if (pool *p = live_pool())
    p->leave_region();
}

pool_stats stats() noexcept {
  pool *p = live_pool();
  return p != nullptr ? p->stats() : pool_stats{};
}

void set_stats_timing(bool on) noexcept {
  g_stats_timing.store(on, std::memory_order_relaxed);
}

bool wait_helping(completion &c) noexcept {
  worker *w = tls_worker;
  pool *p = live_pool();
  if (w == nullptr || p == nullptr)
    return false;
  p->wait_on_worker(*w, c);
  return true;
}

void wait(completion &c) noexcept {
  if (c.done())
    return;
  if (worker *w = tls_worker) {
    if (pool *p = live_pool()) {
      p->run_own(*w, c); // the common join: its task is still ours
      if (!c.done())
        p->wait_on_worker(*w, c);
      return;
    }
  }
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
