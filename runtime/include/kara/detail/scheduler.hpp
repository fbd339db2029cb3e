// The interface between the header templates and the scheduler library:
// intrusive tasks, completion counters with a single parked waiter, and the
// idle-worker counter that `par` reads on its fast path.
#ifndef KARA_DETAIL_SCHEDULER_HPP
#define KARA_DETAIL_SCHEDULER_HPP

#include "../cancel.hpp"
#include "config.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace kara {

/// Number of compute worker threads the pool has (or will have): the value of
/// `KARA_THREADS` if set to a positive integer, else the hardware concurrency.
/// Thread-safe; does not start the pool. Example:
/// `std::printf("%u workers\n", kara::thread_count());`
unsigned thread_count() noexcept;

namespace detail {

/// A unit of work that a worker can run. Lives inside the object that waits
/// for it (a par frame on the stack, or a heap task state), so queuing a task
/// never allocates.
struct task {
  using run_fn = void (*)(task *) noexcept;
  run_fn run = nullptr;
  const char *name = "task"; // for the Chrome trace
  int index = 0;             // for the Chrome trace (branch index)
};

struct parker; // immortal per-thread wake-up slot (see scheduler.cpp)
void unpark(parker *p) noexcept;

/// Counts outstanding work; the waiter parks until the last `arrive()`.
/// After the final arrive the completing thread only touches the (immortal)
/// parker, never the completion, so the waiter may destroy it at once.
class completion {
public:
  explicit completion(int count) noexcept : pending_(count) {}
  completion(const completion &) = delete;
  completion &operator=(const completion &) = delete;

  /// Only while the count is known to be positive (the caller holds a share).
  void add(int n = 1) noexcept {
    pending_.fetch_add(n, std::memory_order_relaxed);
  }
  void arrive() noexcept {
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      finish();
  }
  bool done() const noexcept {
    return waiter_.load(std::memory_order_acquire) == done_mark();
  }
  /// True if the caller's share is the only one left: then nobody else can
  /// arrive or add, and the caller may skip its arrive() and wait().
  bool sole() const noexcept {
    return pending_.load(std::memory_order_acquire) == 1;
  }
  int pending() const noexcept {
    return pending_.load(std::memory_order_acquire);
  }
  /// Drops `n` shares at once; true if they were the last ones.
  bool arrive_n(int n) noexcept {
    if (pending_.fetch_sub(n, std::memory_order_acq_rel) != n)
      return false;
    finish();
    return true;
  }
  /// Marks done without counting (a task's own `done`, which has a single
  /// arriver) and returns what the waiter word held: null, a parked
  /// waiter (already woken), or a mark its owner put there.
  void *mark_done() noexcept {
    void *w = waiter_.exchange(done_mark(), std::memory_order_acq_rel);
    if (reinterpret_cast<std::uintptr_t>(w) > 2)
      unpark(static_cast<parker *>(w));
    return w;
  }
  /// The arrive of a completion made with count 1 that nobody add()s to (a
  /// task's own `done`): skips the count's read-modify-write.
  void arrive_single() noexcept {
    pending_.store(0, std::memory_order_relaxed);
    finish();
  }

  static void *done_mark() noexcept { return reinterpret_cast<void *>(1); }
  std::atomic<void *> &waiter() noexcept { return waiter_; }

private:
  void finish() noexcept {
    void *w = waiter_.exchange(done_mark(), std::memory_order_acq_rel);
    if (w != nullptr)
      unpark(static_cast<parker *>(w));
  }
  std::atomic<int> pending_;
  std::atomic<void *> waiter_{nullptr};
};

/// Memory for spawned tasks' states: a per-thread cache of blocks by size
/// (multiples of 64 bytes up to 512), so a spawn and its release usually
/// touch no allocator lock or shared list; a block freed on another thread
/// joins that thread's cache. Plain operator new/delete in sanitizer builds.
void *task_alloc(std::size_t size);
void task_free(void *p, std::size_t size) noexcept;

/// Number of compute workers that have nothing to run. `par` reads it with one
/// relaxed load: zero means nobody could steal, so branches run inline. Holds
/// a non-zero sentinel until the pool starts so the first `par` starts it.
struct alignas(64) idle_counter {
  std::atomic<int> value;
  char pad[64 - sizeof(std::atomic<int>)];
};
extern idle_counter g_idle;

/// True on a compute worker thread of the pool.
bool on_worker() noexcept;
/// Starts the pool if needed. Returns false once it has shut down (exit).
bool ensure_started() noexcept;
/// Queues tasks on this worker's deque, or on the injection queue when called
/// from another thread, and wakes sleeping workers. Returns false (without
/// queuing) after shutdown; the caller then runs the work inline.
bool push(task *t) noexcept;
bool push_batch(task *const *tasks, std::size_t count) noexcept;
/// A spawned task: queued, never run here. On a worker with nobody idle it
/// goes to the private part of the worker's deque (plain stores); it becomes
/// stealable when a worker is idle at a later push, when this worker blocks
/// or parks, or when the monitor claims it (docs/runtime.md, "Lazy spawn").
/// Elsewhere as `push`. Returns false after shutdown.
bool push_lazy(task *t) noexcept;
/// Worker only: whether a non-forced `par` should make its branches
/// stealable now, i.e. this worker has nothing queued already.
bool should_offer() noexcept;
/// Worker only: pops `t` back if it is still at the bottom of this worker's
/// deque (nobody stole or helped with it).
bool pop_if(task *t) noexcept;
/// Queues a task for the elastic pool of blocking threads.
bool push_blocking(task *t) noexcept;
/// Runs a task (with tracing when enabled).
void execute(task *t) noexcept;
/// Tells the pool that the calling thread is about to wait in the OS (a lock,
/// a condition variable, a blocking read) until another task acts. On a
/// compute worker this gives its slot away at once: if work is queued, a spare
/// thread takes it now rather than after the monitor's ~1 ms detection; the
/// slot is taken back when the region ends. Elsewhere it does nothing. Use it
/// around waits that can last (more than a few microseconds); nesting is
/// allowed. Cost: two out-of-line calls and two atomic RMWs, plus a wake-up
/// of a spare thread when work is queued. Example (a sync primitive):
///     { kara::detail::blocking_region region; cv.wait(lock, ready); }
bool blocking_enter() noexcept;
void blocking_leave() noexcept;
class blocking_region {
public:
  blocking_region() noexcept : on_(blocking_enter()) {}
  ~blocking_region() {
    if (on_)
      blocking_leave();
  }
  blocking_region(const blocking_region &) = delete;
  blocking_region &operator=(const blocking_region &) = delete;

private:
  bool on_;
};

/// Counters of the compute pool, for benchmarks and tests.
struct pool_stats {
  static constexpr std::size_t buckets = 8;
  unsigned workers = 0;     // KARA_THREADS: slots of compute
  unsigned max_threads = 0; // KARA_MAX_THREADS: bound on compute threads
  unsigned threads = 0;     // compute threads created so far (peak)
  int active = 0; // threads holding a slot now (more than workers while
                  // replaced threads finish their task)
  std::uint64_t compensations = 0; // workers found blocked and replaced
  bool lazy = false;               // private deque parts in use
  std::uint64_t claims = 0; // deques whose private tasks the monitor published
  std::uint64_t steals = 0; // tasks taken from another worker's deque
  // Tasks workers made stealable (par branches offered, spawns), and how many
  // of those the worker itself took back (par branches nobody stole).
  std::uint64_t pushed = 0;
  std::uint64_t popped_back = 0;
  // Run time of stolen tasks, with set_stats_timing(true): total, and a
  // histogram: bucket 0 < 1 us, bucket k in [4^(k-1), 4^k) us, last open.
  std::uint64_t stolen_ns = 0;
  std::uint64_t stolen_hist[buckets] = {};
};
pool_stats stats() noexcept;
/// Times every stolen task (two clock reads per steal) for `stats()`.
/// `KARA_STATS=1` turns it on at start and prints `stats()` to stderr at exit.
void set_stats_timing(bool on) noexcept;
/// Waits for `c`: a worker runs other tasks meanwhile and parks only when
/// there is none; any other thread parks.
void wait(completion &c) noexcept;

// Tracing (KARA_TRACE). Off: one relaxed load per traced event.
extern std::atomic<bool> g_trace_enabled;
inline bool trace_enabled() noexcept {
  return g_trace_enabled.load(std::memory_order_relaxed);
}
std::int64_t trace_now() noexcept;
void trace_record(const char *name, int index, std::int64_t start_ns,
                  std::int64_t end_ns) noexcept;

class trace_span {
public:
  trace_span(const char *name, int index) noexcept
      : name_(trace_enabled() ? name : nullptr), index_(index),
        start_(name_ ? trace_now() : 0) {}
  ~trace_span() {
    if (name_ != nullptr)
      trace_record(name_, index_, start_, trace_now());
  }
  trace_span(const trace_span &) = delete;
  trace_span &operator=(const trace_span &) = delete;

private:
  const char *name_;
  int index_;
  std::int64_t start_;
};

} // namespace detail
} // namespace kara

#endif // KARA_DETAIL_SCHEDULER_HPP
