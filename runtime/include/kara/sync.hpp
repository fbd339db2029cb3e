// Synchronisation that cooperates with the scheduler (SPEC §8, Janet's
// lib/sync): mutex, shared_mutex, semaphore, condition_variable, barrier,
// latch, once. Every wait parks its thread without running other tasks (see
// docs/actors.md, "Waiting") and wakes with `kara::cancelled` when the
// waiting task is cancelled; waiters are served in FIFO order.
#ifndef KARA_SYNC_HPP
#define KARA_SYNC_HPP

#include "detail/wait.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

namespace kara {
namespace detail {
/// The outcome of a wait for a resource handed over by the notifier: true
/// if granted, false on timeout; throws kara::cancelled on cancellation.
inline bool granted(wake r) {
  if (r == wake::notified)
    return true;
  if (r == wake::timed_out)
    return false;
  throw cancelled();
}
} // namespace detail

/// A mutual-exclusion lock (Lockable: works with std::lock_guard and
/// std::unique_lock). Fair: unlock hands the lock to the oldest waiter.
/// `lock()` throws `kara::cancelled` if the waiting task is cancelled.
/// Not recursive. Example:
///     kara::mutex m;  { std::lock_guard<kara::mutex> g(m); ++shared; }
class mutex {
public:
  mutex() = default;
  mutex(const mutex &) = delete;
  mutex &operator=(const mutex &) = delete;

  void lock() { lock_impl(nullptr, true); }
  bool try_lock() {
    std::lock_guard<std::mutex> g(m_);
    if (locked_)
      return false;
    locked_ = true;
    return true;
  }
  /// False if not acquired within `d`.
  template <class Rep, class Period>
  bool try_lock_for(std::chrono::duration<Rep, Period> d) {
    const auto deadline = detail::deadline_after(d);
    return lock_impl(&deadline, true);
  }
  void unlock() {
    std::lock_guard<std::mutex> g(m_);
    if (!waiters_.notify_one()) // else the woken waiter owns it now
      locked_ = false;
  }
  /// Waits without observing cancellation (condition_variable re-locks
  /// with it before reporting a cancellation).
  void lock_uncancellable() { lock_impl(nullptr, false); }

private:
  bool lock_impl(const detail::clock::time_point *deadline, bool cancellable) {
    std::unique_lock<std::mutex> g(m_);
    if (!locked_) {
      locked_ = true;
      return true;
    }
    // On success unlock handed the lock over.
    return detail::granted(detail::wait_in(
        g, waiters_, deadline, detail::wait_mode::park, cancellable));
  }
  std::mutex m_;
  bool locked_ = false;
  detail::wait_queue waiters_;
};

/// A readers-writer lock (SharedLockable). Neither side starves: once a
/// writer waits, new readers queue behind it; a writer's unlock admits the
/// waiting readers, the last reader's unlock admits a writer.
class shared_mutex {
public:
  shared_mutex() = default;
  shared_mutex(const shared_mutex &) = delete;
  shared_mutex &operator=(const shared_mutex &) = delete;

  void lock() {
    std::unique_lock<std::mutex> g(m_);
    if (!writer_ && readers_ == 0) {
      writer_ = true;
      return;
    }
    if (detail::wait_in(g, writers_, nullptr) == detail::wake::notified)
      return;    // granted by admit()
    admit(true); // readers may have queued only because we were waiting
    throw cancelled();
  }
  bool try_lock() {
    std::lock_guard<std::mutex> g(m_);
    if (writer_ || readers_ != 0)
      return false;
    writer_ = true;
    return true;
  }
  void unlock() {
    std::lock_guard<std::mutex> g(m_);
    writer_ = false;
    admit(false);
  }
  void lock_shared() {
    std::unique_lock<std::mutex> g(m_);
    if (!writer_ && writers_.empty()) {
      ++readers_;
      return;
    }
    if (detail::wait_in(g, readers_waiting_, nullptr) != detail::wake::notified)
      throw cancelled();
  }
  bool try_lock_shared() {
    std::lock_guard<std::mutex> g(m_);
    if (writer_ || !writers_.empty())
      return false;
    ++readers_;
    return true;
  }
  void unlock_shared() {
    std::lock_guard<std::mutex> g(m_);
    if (--readers_ == 0)
      admit(true);
  }

private:
  // Under m_: hands the lock on. After a writer, the waiting readers go
  // first; after the last reader (or a cancelled writer), a waiting writer.
  // Readers join a running read phase only while no writer waits.
  void admit(bool writer_first) {
    if (writer_)
      return;
    if (readers_ == 0 && writer_first && writers_.notify_one()) {
      writer_ = true;
      return;
    }
    if (readers_ == 0 || writers_.empty())
      readers_ += static_cast<std::size_t>(readers_waiting_.notify_all());
    if (readers_ == 0 && writers_.notify_one())
      writer_ = true;
  }
  std::mutex m_;
  bool writer_ = false;
  std::size_t readers_ = 0;
  detail::wait_queue writers_, readers_waiting_;
};

/// A counting semaphore. `acquire()` waits for a unit (FIFO) and throws
/// `kara::cancelled` if the waiting task is cancelled.
class semaphore {
public:
  explicit semaphore(std::ptrdiff_t initial) : count_(initial) {
    if (initial < 0)
      throw std::invalid_argument("kara::semaphore: negative count");
  }
  semaphore(const semaphore &) = delete;
  semaphore &operator=(const semaphore &) = delete;

  void acquire() { acquire_impl(nullptr); }
  bool try_acquire() {
    std::lock_guard<std::mutex> g(m_);
    if (count_ == 0 || !waiters_.empty())
      return false;
    --count_;
    return true;
  }
  template <class Rep, class Period>
  bool try_acquire_for(std::chrono::duration<Rep, Period> d) {
    const auto deadline = detail::deadline_after(d);
    return acquire_impl(&deadline);
  }
  void release(std::ptrdiff_t n = 1) {
    std::lock_guard<std::mutex> g(m_);
    while (n > 0 && waiters_.notify_one()) // each woken waiter got a unit
      --n;
    count_ += n;
  }

private:
  bool acquire_impl(const detail::clock::time_point *deadline) {
    std::unique_lock<std::mutex> g(m_);
    if (count_ > 0 && waiters_.empty()) {
      --count_;
      return true;
    }
    return detail::granted(detail::wait_in(g, waiters_, deadline));
  }
  std::mutex m_;
  std::ptrdiff_t count_;
  detail::wait_queue waiters_;
};

/// A condition variable for `std::unique_lock<kara::mutex>`. `wait` throws
/// `kara::cancelled` if the waiting task is cancelled, with the lock held
/// again (as after any return from wait).
class condition_variable {
public:
  condition_variable() = default;
  condition_variable(const condition_variable &) = delete;
  condition_variable &operator=(const condition_variable &) = delete;

  void wait(std::unique_lock<mutex> &lock) { wait_impl(lock, nullptr); }
  template <class Pred> void wait(std::unique_lock<mutex> &lock, Pred pred) {
    while (!pred())
      wait_impl(lock, nullptr);
  }
  /// False on timeout.
  template <class Rep, class Period>
  bool wait_for(std::unique_lock<mutex> &lock,
                std::chrono::duration<Rep, Period> d) {
    const auto deadline = detail::deadline_after(d);
    return wait_impl(lock, &deadline);
  }
  /// `pred()` at the end (false: timed out with the predicate still false).
  template <class Rep, class Period, class Pred>
  bool wait_for(std::unique_lock<mutex> &lock,
                std::chrono::duration<Rep, Period> d, Pred pred) {
    const auto deadline = detail::deadline_after(d);
    while (!pred())
      if (!wait_impl(lock, &deadline))
        return pred();
    return true;
  }
  void notify_one() {
    std::lock_guard<std::mutex> g(m_);
    waiters_.notify_one();
  }
  void notify_all() {
    std::lock_guard<std::mutex> g(m_);
    waiters_.notify_all();
  }

private:
  bool wait_impl(std::unique_lock<mutex> &user,
                 const detail::clock::time_point *deadline) {
    detail::waiter w;
    detail::wait_link link;
    link.w = &w;
    {
      // Queued before the user's lock is released: no lost notification.
      std::lock_guard<std::mutex> g(m_);
      waiters_.push(&link);
    }
    user.unlock();
    detail::wake r = detail::block(w, deadline, detail::wait_mode::park);
    {
      std::lock_guard<std::mutex> g(m_);
      if (link.linked)
        waiters_.erase(&link);
    }
    user.mutex()->lock_uncancellable();
    user = std::unique_lock<mutex>(*user.mutex(), std::adopt_lock);
    if (r == detail::wake::cancelled)
      throw cancelled();
    return r != detail::wake::timed_out;
  }
  std::mutex m_;
  detail::wait_queue waiters_;
};

/// A reusable barrier for `count` participants (std::barrier without a
/// completion function). A participant cancelled while waiting withdraws its
/// arrival and throws `kara::cancelled`.
class barrier {
public:
  explicit barrier(std::ptrdiff_t count) : count_(count) {
    if (count <= 0)
      throw std::invalid_argument("kara::barrier: count must be positive");
  }
  barrier(const barrier &) = delete;
  barrier &operator=(const barrier &) = delete;

  void arrive_and_wait() {
    std::unique_lock<std::mutex> g(m_);
    const std::size_t phase = phase_;
    if (++arrived_ == count_) {
      arrived_ = 0;
      ++phase_;
      waiters_.notify_all();
      return;
    }
    while (phase_ == phase) {
      if (detail::wait_in(g, waiters_, nullptr) == detail::wake::cancelled &&
          phase_ == phase) {
        --arrived_;
        throw cancelled();
      }
    }
  }

private:
  std::mutex m_;
  const std::ptrdiff_t count_;
  std::ptrdiff_t arrived_ = 0;
  std::size_t phase_ = 0;
  detail::wait_queue waiters_;
};

/// A single-use countdown (std::latch). `wait` throws `kara::cancelled` if
/// the waiting task is cancelled.
class latch {
public:
  explicit latch(std::ptrdiff_t count) : count_(count) {
    if (count < 0)
      throw std::invalid_argument("kara::latch: negative count");
  }
  latch(const latch &) = delete;
  latch &operator=(const latch &) = delete;

  void count_down(std::ptrdiff_t n = 1) {
    std::lock_guard<std::mutex> g(m_);
    if (n > count_)
      throw std::invalid_argument("kara::latch: count_down below zero");
    count_ -= n;
    if (count_ == 0)
      waiters_.notify_all();
  }
  bool try_wait() const {
    std::lock_guard<std::mutex> g(m_);
    return count_ == 0;
  }
  void wait() const {
    std::unique_lock<std::mutex> g(m_);
    while (count_ != 0)
      if (detail::wait_in(g, waiters_, nullptr) == detail::wake::cancelled &&
          count_ != 0)
        throw cancelled();
  }
  void arrive_and_wait(std::ptrdiff_t n = 1) {
    count_down(n);
    wait();
  }

private:
  mutable std::mutex m_;
  std::ptrdiff_t count_;
  mutable detail::wait_queue waiters_;
};

/// Lazy one-time initialisation: the first `get(f)` runs `f()`, every caller
/// (concurrent ones wait for it) gets the same cached value. If `f` throws,
/// the exception goes to that caller and the next caller runs its own `f`
/// (as std::call_once). Example:
///     static kara::once<Config> config;
///     const Config &c = config.get([] { return load_config(); });
template <class T> class once {
public:
  once() = default;
  once(const once &) = delete;
  once &operator=(const once &) = delete;

  template <class F> const T &get(F &&f) {
    if (done_.load(std::memory_order_acquire))
      return *value_;
    std::unique_lock<std::mutex> g(m_);
    while (running_)
      if (detail::wait_in(g, waiters_, nullptr) == detail::wake::cancelled &&
          running_)
        throw cancelled();
    if (done_.load(std::memory_order_relaxed))
      return *value_;
    running_ = true;
    g.unlock();
    try {
      T v = f();
      g.lock();
      value_.emplace(std::move(v));
    } catch (...) {
      if (!g.owns_lock())
        g.lock();
      running_ = false;
      waiters_.notify_all(); // one of them runs its own f
      throw;
    }
    running_ = false;
    done_.store(true, std::memory_order_release);
    waiters_.notify_all();
    return *value_;
  }
  /// The value if initialised.
  const T *peek() const noexcept {
    return done_.load(std::memory_order_acquire) ? &*value_ : nullptr;
  }

private:
  std::atomic<bool> done_{false};
  std::mutex m_;
  bool running_ = false;
  std::optional<T> value_;
  detail::wait_queue waiters_;
};

} // namespace kara

#endif // KARA_SYNC_HPP
