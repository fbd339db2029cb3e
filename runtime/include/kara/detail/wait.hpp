// The one place where actors, futures, channels and the synchronisation
// primitives touch the scheduler: a one-shot waiter that a notifier, the
// waiting task's cancellation or a deadline fires (whichever is first), and
// an intrusive FIFO of waiters that a primitive keeps under its own lock.
//
// Two ways to wait (see docs/actors.md, "Waiting"):
// - `wait_mode::help` (futures, `call`): like `join`, a waiting worker runs
//   other tasks meanwhile. Safe for results that other tasks produce.
// - `wait_mode::park` (mutex, channel, semaphore, ... , sleep_for): the thread
//   parks and runs nothing nested, because a nested task could wait for
//   something the parked frame below it holds (a lock, a channel slot) and
//   deadlock. The park is a `blocking_region` (src/wait.cpp), so the
//   scheduler's blocking compensation gives the worker's slot to a spare
//   thread while it is parked.
#ifndef KARA_DETAIL_WAIT_HPP
#define KARA_DETAIL_WAIT_HPP

#include "../cancel.hpp"
#include "../timeout.hpp"
#include "scheduler.hpp"

#include <atomic>

/// 1: a parked worker is replaced by the scheduler's blocking compensation.
/// Tests that need the replacement check it.
#ifndef KARA_DETAIL_WAIT_COMPENSATES
#define KARA_DETAIL_WAIT_COMPENSATES 1
#endif

namespace kara {
namespace detail {

enum class wake : int {
  pending = 0,
  notified = 1,
  cancelled = 2,
  timed_out = 3
};
enum class wait_mode { help, park };

/// Fired at most once; the first `fire` decides the outcome. After the
/// firing thread's `arrive` it touches only the (immortal) parker, so the
/// waiter may live on the waiting thread's stack.
class waiter {
public:
  waiter() = default;
  waiter(const waiter &) = delete;
  waiter &operator=(const waiter &) = delete;

  bool fire(wake why) noexcept {
    int expected = 0;
    if (!state_.compare_exchange_strong(expected, static_cast<int>(why),
                                        std::memory_order_acq_rel))
      return false;
    done_.arrive();
    return true;
  }
  wake status() const noexcept {
    return static_cast<wake>(state_.load(std::memory_order_acquire));
  }
  completion &done() noexcept { return done_; }

private:
  std::atomic<int> state_{0};
  completion done_{1};
};

/// A waiter's place in one wait_queue (select waits in several at once).
struct wait_link {
  wait_link *prev = nullptr;
  wait_link *next = nullptr;
  waiter *w = nullptr;
  bool linked = false;
};

/// Intrusive FIFO of waiters. Not synchronised: the owner's lock guards it.
class wait_queue {
public:
  bool empty() const noexcept { return head_ == nullptr; }
  void push(wait_link *l) noexcept {
    l->prev = tail_;
    l->next = nullptr;
    if (tail_ != nullptr)
      tail_->next = l;
    else
      head_ = l;
    tail_ = l;
    l->linked = true;
  }
  void erase(wait_link *l) noexcept {
    if (l->prev != nullptr)
      l->prev->next = l->next;
    else
      head_ = l->next;
    if (l->next != nullptr)
      l->next->prev = l->prev;
    else
      tail_ = l->prev;
    l->prev = l->next = nullptr;
    l->linked = false;
  }
  /// Wakes the oldest waiter that has not already been woken by its
  /// cancellation or deadline. True if one accepted (it now owns whatever the
  /// caller hands over, e.g. the lock).
  bool notify_one() noexcept {
    while (wait_link *l = head_) {
      erase(l);
      if (l->w->fire(wake::notified))
        return true;
    }
    return false;
  }
  /// Wakes every waiter; returns how many accepted.
  int notify_all() noexcept {
    int n = 0;
    while (wait_link *l = head_) {
      erase(l);
      n += l->w->fire(wake::notified) ? 1 : 0;
    }
    return n;
  }

private:
  wait_link *head_ = nullptr;
  wait_link *tail_ = nullptr;
};

/// Waits until `w` fires: by a notifier, by the current task's cancellation
/// (if `cancellable`) or at `*deadline` (if not null). Returns the outcome.
wake block(waiter &w, const clock::time_point *deadline, wait_mode mode,
           bool cancellable = true) noexcept;

/// Queues a waiter on `q`, releases `lock` (the lock guarding `q`), blocks,
/// re-acquires `lock` and leaves `q`. The caller re-checks its condition.
template <class Lock>
wake wait_in(Lock &lock, wait_queue &q, const clock::time_point *deadline,
             wait_mode mode = wait_mode::park, bool cancellable = true) {
  waiter w;
  wait_link link;
  link.w = &w;
  q.push(&link);
  lock.unlock();
  wake r = block(w, deadline, mode, cancellable);
  lock.lock();
  if (link.linked)
    q.erase(&link);
  return r;
}

/// `now + d`, clamped so that huge durations (`hours::max()`) do not
/// overflow: anything beyond a century waits "forever".
template <class Rep, class Period>
clock::time_point deadline_after(std::chrono::duration<Rep, Period> d) {
  const clock::time_point now = clock::now();
  constexpr std::chrono::duration<double> century(100.0 * 365 * 24 * 3600);
  if (d <= d.zero())
    return now;
  if (std::chrono::duration<double>(d) >= century)
    return now + std::chrono::duration_cast<clock::duration>(century);
  return now + std::chrono::ceil<clock::duration>(d);
}

} // namespace detail
} // namespace kara

#endif // KARA_DETAIL_WAIT_HPP
