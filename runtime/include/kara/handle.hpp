// Handles to spawned tasks.
#ifndef KARA_HANDLE_HPP
#define KARA_HANDLE_HPP

#include "detail/task_state.hpp"

#include <cassert>
#include <exception>
#include <utility>

namespace kara {
class nursery;

/// Handle to a task of a `kara::scope` (from `nursery::spawn`). Dropping it
/// is harmless: the scope still joins the task. Move-only.
template <class R> class task_handle {
public:
  task_handle() noexcept = default;
  explicit task_handle(detail::task_state<R> *s) noexcept : state_(s) {}
  task_handle(task_handle &&o) noexcept
      : state_(std::exchange(o.state_, nullptr)) {}
  task_handle &operator=(task_handle &&o) noexcept {
    if (this != &o) {
      reset();
      state_ = std::exchange(o.state_, nullptr);
    }
    return *this;
  }
  ~task_handle() { reset(); }

  /// Waits for the task and returns its result, or rethrows its exception
  /// (`kara::cancelled` if it was cancelled before it started). On a worker
  /// the wait runs other tasks. Call at most once for a non-void result.
  /// Thread safety: one joiner at a time. Example: `int v = h.join();`
  R join() {
    assert(state_ != nullptr && "join() on an empty handle");
    detail::wait(state_->done);
    if (state_->error)
      std::rethrow_exception(state_->error);
    return state_->result.take();
  }
  /// Requests cancellation of this task (and everything nested in it).
  /// Thread-safe, non-blocking, idempotent.
  void cancel() noexcept {
    if (state_ != nullptr)
      state_->cs.cancel();
  }
  /// True once the task has finished. Thread-safe; one atomic load.
  bool done() const noexcept {
    return state_ != nullptr && state_->done.done();
  }
  bool valid() const noexcept { return state_ != nullptr; }

protected:
  void reset() noexcept {
    if (state_ != nullptr)
      std::exchange(state_, nullptr)->release_handle();
  }
  detail::task_state<R> *state_ = nullptr;
};

/// Owning handle from `kara::spawn` / `kara::spawn_blocking`: its destructor
/// cancels the task and waits for it, so no task is ever orphaned. An
/// exception of a task that is never joined is discarded. Move-only.
template <class R> class [[nodiscard]] join_handle : public task_handle<R> {
public:
  join_handle() noexcept = default;
  explicit join_handle(detail::task_state<R> *s) noexcept : task_handle<R>(s) {}
  join_handle(join_handle &&) noexcept = default;
  join_handle &operator=(join_handle &&o) noexcept {
    if (this != &o) {
      cancel_and_wait();
      task_handle<R>::operator=(std::move(o));
    }
    return *this;
  }
  ~join_handle() { cancel_and_wait(); }

private:
  void cancel_and_wait() noexcept {
    if (this->state_ != nullptr) {
      this->state_->cs.cancel();
      detail::wait(this->state_->done);
    }
  }
};

} // namespace kara

#endif // KARA_HANDLE_HPP
