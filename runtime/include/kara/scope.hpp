// kara::scope / kara::nursery: trio-style structured concurrency.
#ifndef KARA_SCOPE_HPP
#define KARA_SCOPE_HPP

#include "detail/result.hpp"
#include "detail/scheduler.hpp"
#include "detail/task_state.hpp"
#include "handle.hpp"
#include "sendable.hpp"

#include <exception>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {

template <class Body> auto scope(Body &&body);
namespace detail {
struct nursery_access;
}

/// The spawning side of a `kara::scope`. Immovable; only `kara::scope`
/// creates one. Every task spawned into it is joined before `scope` returns.
class nursery {
public:
  nursery(const nursery &) = delete;
  nursery &operator=(const nursery &) = delete;

  /// Starts `f(args...)` as a task of this scope and returns its handle.
  /// `args` are decay-copied into the task and must be sendable (checked at
  /// compile time); `f` is moved or copied in (what it captures is checked by
  /// kara-tidy). Callable from the scope's body and from its tasks, from any
  /// thread, while the scope runs. If the scope is cancelled, the task is
  /// skipped (its `join()` throws `kara::cancelled`).
  /// The task is always queued, never run inside `spawn`: it runs
  /// concurrently with its spawner, so it may wait for something the spawner
  /// does after `spawn` (a consumer spawned before its producer, a loop that
  /// runs until `n.cancel()`). Cost (~25 ns): a block from the thread's
  /// cache of task states, a cancel state (no lock), a push to the private
  /// part of the worker's deque when nobody is idle (plain stores; it is
  /// published when a worker is idle, the spawner blocks, or the monitor
  /// claims it) and one atomic exchange at the task's end; a joining worker
  /// runs its own queued tasks first, so a task nobody stole costs no thread
  /// switch. For fine-grained recursion `par` is cheaper (docs/runtime.md).
  /// Example: `auto h = n.spawn([](int x) { return x * 2; }, 21);`
  template <class F, class... Args>
  auto spawn(F &&f, Args &&...args) -> task_handle<
      std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>> {
    static_assert(
        detail::check_spawn_args<Args...>(std::index_sequence_for<Args...>{}),
        "kara::spawn: arguments must be sendable");
    return start<false>(std::forward<F>(f), std::forward<Args>(args)...);
  }

  /// Like `spawn`, but the task runs on the elastic pool of blocking threads
  /// (for I/O or sleeps), so compute workers stay available.
  template <class F, class... Args>
  auto spawn_blocking(F &&f, Args &&...args) -> task_handle<
      std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>> {
    static_assert(
        detail::check_spawn_args<Args...>(std::index_sequence_for<Args...>{}),
        "kara::spawn: arguments must be sendable");
    return start<true>(std::forward<F>(f), std::forward<Args>(args)...);
  }

  /// Cancels the scope: its body's and tasks' `stop_requested()` become true,
  /// nested pars/scopes/tasks too. Thread-safe, non-blocking, idempotent.
  void cancel() noexcept { core_.cs_.cancel(); }
  /// True once the scope was cancelled (explicitly, by an error or from
  /// outside). One atomic load.
  bool cancelled() const noexcept { return core_.cs_.stop_requested(); }

private:
  template <class Body> friend auto scope(Body &&body);
  friend struct detail::nursery_access;

  explicit nursery(detail::cancel_state *parent) noexcept : core_(parent) {}

  template <bool Blocking, bool Eager = false, class F, class... Args>
  task_handle<detail::task_result_t<F, Args...>> start(F &&f, Args &&...args) {
    return task_handle<detail::task_result_t<F, Args...>>(
        detail::start_task<Blocking, Eager>(
            &core_.cs_, &core_,
            Blocking ? "scope.spawn_blocking" : "scope.spawn",
            std::forward<F>(f), std::forward<Args>(args)...));
  }

  detail::nursery_core core_;
};

namespace detail {
/// For the runtime's own users of a nursery that need every task queued
/// (map_limited's lanes respawn themselves and may block).
struct nursery_access {
  template <class F> static void spawn_queued(nursery &n, F &&f) {
    (void)n.start<false, true>(std::forward<F>(f));
  }
};
} // namespace detail

/// Runs `body(n)` and waits for every task spawned into `n` (from the body or
/// from those tasks); no task outlives the call. Returns the body's result.
///
/// Exceptions: the first task failure cancels the scope; if the body threw,
/// its exception is rethrown, else the first task error. `kara::cancelled`
/// from tasks is not an error of the scope; after `n.cancel()` the scope
/// returns normally once everything has stopped.
/// Cancellation: the scope's cancel state is a child of the caller's, so an
/// outer cancellation reaches every task; the body runs under it too.
/// Thread safety: call from any thread. Cost: a cancel state registration
/// plus the waits; the wait runs other tasks on a worker.
/// Example:
///     int sum = kara::scope([&](kara::nursery &n) {
///       auto a = n.spawn([] { return 1; });
///       auto b = n.spawn([] { return 2; });
///       return a.join() + b.join();
///     });
template <class Body> auto scope(Body &&body) {
  using R = std::invoke_result_t<Body &, nursery &>;
  nursery n(detail::current_ctx());
  detail::slot<R> result;
  std::exception_ptr body_error;
  {
    detail::ctx_guard guard(&n.core_.cs_);
    try {
      result.set_from([&]() -> R { return body(n); });
    } catch (...) {
      body_error = std::current_exception();
      n.core_.cs_.cancel();
    }
  }
  // Waits for every task (a plain check when all ended on this thread).
  n.core_.settle();
  if (body_error)
    std::rethrow_exception(body_error);
  if (n.core_.first_error_)
    std::rethrow_exception(n.core_.first_error_);
  return result.take();
}

} // namespace kara

#endif // KARA_SCOPE_HPP
