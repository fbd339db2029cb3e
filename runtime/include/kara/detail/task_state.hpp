// Heap state of a spawned task, shared by the runtime and one handle.
#ifndef KARA_DETAIL_TASK_STATE_HPP
#define KARA_DETAIL_TASK_STATE_HPP

#include "../cancel.hpp"
#include "result.hpp"
#include "scheduler.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {
namespace detail {

/// Identifies the calling thread (the address of a thread-local).
inline thread_local char tls_thread_tag = 0;
inline const void *thread_tag() noexcept { return &tls_thread_tag; }

/// The part of a nursery that its tasks report to.
///
/// Counting without read-modify-writes: a task spawned on the scope's own
/// thread (the body, or a task that thread runs) is counted in `local_`, a
/// plain integer only that thread touches, and if it also ends on that thread
/// it is uncounted there. Everything else goes through the atomic `live_`,
/// which starts at `bias` instead of a share per task: a local task that ends
/// elsewhere drops one from it without having added one, and `settle()`
/// takes `bias - local_` off at the end, so the count reaches zero exactly
/// when the last task ends.
class nursery_core {
public:
  static constexpr int bias = 1 << 30;

  explicit nursery_core(cancel_state *parent) noexcept
      : cs_(parent), thread_(thread_tag()) {}
  nursery_core(const nursery_core &) = delete;
  nursery_core &operator=(const nursery_core &) = delete;

  void report(std::exception_ptr error) noexcept {
    {
      std::lock_guard<std::mutex> lock(error_mutex_);
      if (!first_error_)
        first_error_ = std::move(error);
    }
    cs_.cancel(); // the first error cancels the rest of the scope
  }

  /// A task is spawned into the scope. Returns whether it counts locally.
  bool enter() noexcept {
    if (thread_tag() == thread_ && !final_) {
      ++local_;
      return true;
    }
    live_.add(1); // a spawner of the scope still runs: the count is positive
    return false;
  }
  /// A task of the scope ended (`local` as enter() returned). After a
  /// remote leave the scope may end at once.
  void leave(bool local) noexcept {
    if (local && thread_tag() == thread_ && !final_) {
      --local_;
      return;
    }
    live_.arrive();
  }
  /// The scope's thread, once the body returned: waits for every task.
  void settle() noexcept {
    // No local task outstanding and every remote add matched: all ended.
    if (local_ == 0 && live_.pending() == bias)
      return;
    final_ = true; // from now on every end arrives on live_
    if (!live_.arrive_n(bias - local_))
      wait(live_);
  }

  cancel_state cs_;
  std::mutex error_mutex_;
  std::exception_ptr first_error_;

private:
  completion live_{bias};
  const void *thread_; // the scope's thread
  int local_ = 0;      // that thread only
  bool final_ = false; // that thread only
};

template <class R> class task_state : public task {
public:
  task_state(cancel_state *parent, nursery_core *owner) noexcept
      : cs(parent), owner(owner) {}
  virtual ~task_state() = default;

  // Allocated through the per-thread cache (over-aligned results aside).
  static void *operator new(std::size_t size) { return task_alloc(size); }
  static void operator delete(void *p, std::size_t size) noexcept {
    task_free(p, size);
  }
  static void *operator new(std::size_t size, std::align_val_t a) {
    return ::operator new(size, a);
  }
  static void operator delete(void *p, std::size_t size,
                              std::align_val_t a) noexcept {
    ::operator delete(p, size, a);
  }

  /// The handle lets go. If the task is done the handle is the last holder
  /// and frees the state without an RMW; otherwise it leaves a mark in the
  /// waiter word and the task's end frees it.
  void release_handle() noexcept {
    std::atomic<void *> &w = done.waiter();
    if (w.load(std::memory_order_acquire) != completion::done_mark()) {
      void *expected = nullptr;
      if (w.compare_exchange_strong(expected, gone_mark(),
                                    std::memory_order_acq_rel))
        return;
    }
    delete this;
  }
  /// The runtime's end of the task: one RMW marks it done and wakes a
  /// joiner. True if the handle was already gone: the caller frees it.
  bool finish_run() noexcept { return done.mark_done() == gone_mark(); }

  cancel_state cs;
  completion done{1};
  slot<R> result;
  std::exception_ptr error;
  nursery_core *owner;
  bool local = false; // counted in the owner's local_ (nursery_core::enter)

private:
  static void *gone_mark() noexcept { return reinterpret_cast<void *>(2); }
};

template <class R, class F, class Args>
class task_impl final : public task_state<R> {
public:
  template <class FF, class... A>
  task_impl(cancel_state *parent, nursery_core *owner, const char *name, FF &&f,
            A &&...args)
      : task_state<R>(parent, owner), fn_(std::forward<FF>(f)),
        args_(std::forward<A>(args)...) {
    this->run = &run_task;
    this->name = name;
  }

private:
  static void run_task(task *t) noexcept {
    auto *self = static_cast<task_impl *>(t);
    if (self->cs.stop_requested()) {
      self->error = std::make_exception_ptr(cancelled());
    } else {
      ctx_guard guard(&self->cs);
      try {
        self->result.set_from([self]() -> R {
          return std::apply(std::move(self->fn_), std::move(self->args_));
        });
      } catch (const cancelled &) {
        self->error = std::current_exception(); // not an error of the scope
      } catch (...) {
        self->error = std::current_exception();
        if (self->owner != nullptr)
          self->owner->report(self->error);
      }
    }
    nursery_core *owner = self->owner;
    const bool local = self->local;
    self->cs.detach(); // the handle may outlive the scope's cancel state
    // After this the handle may free the state: only locals below.
    const bool orphan = self->finish_run();
    if (owner != nullptr)
      owner->leave(local); // the scope may end right after this
    if (orphan)
      delete self;
  }

  F fn_;
  Args args_;
};

/// The result type of a task running `f(args...)` on decayed copies.
template <class F, class... Args>
using task_result_t =
    std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>;

/// Starts `f(args...)` as a heap task whose cancel state is a child of
/// `parent`, reporting to `owner` if it belongs to a scope (null for
/// `kara::spawn`): the one implementation behind `nursery::spawn` and
/// `kara::spawn`. The task is always queued (on the blocking pool if
/// `Blocking`), or run here if the runtime has shut down. Returns its state,
/// holding the handle's reference.
template <bool Blocking, bool Eager = false, class F, class... Args>
task_state<task_result_t<F, Args...>> *
start_task(cancel_state *parent, nursery_core *owner, const char *name, F &&f,
           Args &&...args) {
  using impl = task_impl<task_result_t<F, Args...>, std::decay_t<F>,
                         std::tuple<std::decay_t<Args>...>>;
  auto *state = new impl(parent, owner, name, std::forward<F>(f),
                         std::forward<Args>(args)...);
  if (owner != nullptr)
    state->local = owner->enter(); // before it can run and arrive
  // Eager: shared at once (map_limited's lanes respawn themselves and may
  // block); otherwise the lazy push keeps it private while nobody is idle.
  bool queued = Blocking ? push_blocking(state)
                : Eager  ? push(state)
                         : push_lazy(state);
  if (!queued)
    state->run(state); // runtime shut down: run it here
  return state;
}

} // namespace detail
} // namespace kara

#endif // KARA_DETAIL_TASK_STATE_HPP
