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

/// The part of a nursery that its tasks report to.
class nursery_core {
public:
  explicit nursery_core(cancel_state *parent) noexcept : cs_(parent) {}
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

  cancel_state cs_;
  completion live_{1}; // the body holds one share until it returns
  std::mutex error_mutex_;
  std::exception_ptr first_error_;
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

  /// Drops one reference. A holder that sees the count at 1 holds the last
  /// one (nobody can add references), so it frees without an RMW: the second
  /// of the runtime and the handle to let go usually does.
  void release() noexcept {
    if (refs.load(std::memory_order_acquire) == 1 ||
        refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
      delete this;
  }

  std::atomic<int> refs{2}; // the runtime's and the handle's
  cancel_state cs;
  completion done{1};
  slot<R> result;
  std::exception_ptr error;
  nursery_core *owner;
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
    self->cs.detach(); // the handle may outlive the scope's cancel state
    self->done.arrive_single();
    if (owner != nullptr)
      owner->live_.arrive(); // the scope may end right after this
    self->release();
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
template <bool Blocking, class F, class... Args>
task_state<task_result_t<F, Args...>> *
start_task(cancel_state *parent, nursery_core *owner, const char *name, F &&f,
           Args &&...args) {
  using impl = task_impl<task_result_t<F, Args...>, std::decay_t<F>,
                         std::tuple<std::decay_t<Args>...>>;
  auto *state = new impl(parent, owner, name, std::forward<F>(f),
                         std::forward<Args>(args)...);
  if (owner != nullptr)
    owner->live_.add(1); // before it can run and arrive
  bool queued = Blocking ? push_blocking(state) : push(state);
  if (!queued)
    state->run(state); // runtime shut down: run it here
  return state;
}

} // namespace detail
} // namespace kara

#endif // KARA_DETAIL_TASK_STATE_HPP
