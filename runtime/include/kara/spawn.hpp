// kara::spawn / kara::spawn_blocking: a single task owned by its handle.
#ifndef KARA_SPAWN_HPP
#define KARA_SPAWN_HPP

#include "detail/scheduler.hpp"
#include "detail/task_state.hpp"
#include "handle.hpp"
#include "sendable.hpp"

#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {
namespace detail {
/// `kara::spawn`'s task: a child of the caller's cancellation, owned by its
/// handle alone (no scope).
template <bool Blocking, class F, class... Args>
join_handle<task_result_t<F, Args...>> spawn_owned(F &&f, Args &&...args) {
  return join_handle<task_result_t<F, Args...>>(start_task<Blocking>(
      current_ctx(), nullptr, Blocking ? "spawn_blocking" : "spawn",
      std::forward<F>(f), std::forward<Args>(args)...));
}
} // namespace detail

/// Starts `f(args...)` as a task and returns a handle whose destructor
/// cancels and joins it: no task is ever orphaned. `args` are decay-copied
/// and must be sendable (compile-time check naming the argument, counted from
/// 1 after `f`). The task's cancellation is a child of the caller's.
/// Exceptions: `join()` rethrows the task's; if never joined it is discarded.
/// Thread-safe; cost as `nursery::spawn` (a cached block and a queue push).
/// Example:
///     auto h = kara::spawn([](std::string s) { return s.size(); }, name);
///     std::size_t n = h.join();
template <class F, class... Args>
[[nodiscard]] auto spawn(F &&f, Args &&...args) {
  static_assert(
      detail::check_spawn_args<Args...>(std::index_sequence_for<Args...>{}),
      "kara::spawn: arguments must be sendable");
  return detail::spawn_owned<false>(std::forward<F>(f),
                                    std::forward<Args>(args)...);
}

/// Like `kara::spawn`, but runs on the elastic pool of blocking threads (for
/// work that blocks in the OS), so compute workers stay free.
/// Example: `auto h = kara::spawn_blocking([] { return read_file("a"); });`
template <class F, class... Args>
[[nodiscard]] auto spawn_blocking(F &&f, Args &&...args) {
  static_assert(
      detail::check_spawn_args<Args...>(std::index_sequence_for<Args...>{}),
      "kara::spawn: arguments must be sendable");
  return detail::spawn_owned<true>(std::forward<F>(f),
                                   std::forward<Args>(args)...);
}

} // namespace kara

#endif // KARA_SPAWN_HPP
