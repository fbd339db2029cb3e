// kara::start_task: a one-shot monitored task (Janet's Task): a process that
// runs one function and ends; its result is a future. See
// docs/supervision.md.
#ifndef KARA_TASK_HPP
#define KARA_TASK_HPP

#include "server.hpp"

#include <chrono>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {

namespace detail {
struct task_process_state {};
} // namespace detail

/// The handle of `kara::start_task`: the result's future and the process
/// (link it, monitor it, register it, stop it). Move-only (the future has
/// one consumer); `pid()` copies freely.
template <class R> class monitored_task {
public:
  /// Waits for the result; rethrows the function's exception, or
  /// kara::process_exited if the task was stopped (reason shutdown) or
  /// killed before it finished.
  R get() { return result_.get(); }
  /// At most `d`; see kara::future::get_for.
  template <class Rep, class Period>
  auto get_for(std::chrono::duration<Rep, Period> d) {
    return result_.get_for(d);
  }
  bool ready() const noexcept { return result_.ready(); }
  future<R> &result() noexcept { return result_; }
  const process &pid() const noexcept { return pid_; }
  /// Stops the task: its function is cancelled (kara::cancelled at its next
  /// checkpoint or runtime wait, and in every scope/par it runs).
  void cancel() const noexcept { pid_.exit(exit_reason::shutdown()); }

  /// Used by start_task.
  monitored_task(future<R> f, process p)
      : result_(std::move(f)), pid_(std::move(p)) {}

private:
  future<R> result_;
  process pid_;
};

/// Runs `f(args...)` in a new process and returns at once. The process ends
/// with reason normal when `f` returns, exception when it throws (so links
/// and supervisors see the failure), shutdown when cancelled. Arguments and
/// result must be sendable. Thread-safe; cost: a process (two allocations)
/// and a message. Example:
///     auto t = kara::start_task([](int n) { return fib(n); }, 30);
///     kara::monitor(kara::self(), t.pid()); ... int v = t.get();
template <class F, class... A>
auto start_task(const start_options &options, F f, A &&...args) {
  using R = std::invoke_result_t<F &, std::decay_t<A>...>;
  static_assert(detail::check_actor_args<detail::actor_arg_check, A...>(
                    std::index_sequence_for<A...>{}),
                "kara::start_task: arguments must be sendable");
  static_assert(std::is_void_v<R> || is_sendable_v<R>,
                "kara::start_task: the result is not sendable");
  server<detail::task_process_state> s =
      start<detail::task_process_state>(options);
  promise<R> p;
  future<R> fut = p.get_future();
  detail::server_access<detail::task_process_state>::post(
      s, [f = std::move(f), p = std::move(p),
          tup = std::make_tuple(std::forward<A>(args)...)](
             detail::task_process_state &) mutable {
        // Cancelled by an exit request, f may have returned early (a
        // cancelled scope does): that is not its result.
        auto exited = [&p] {
          detail::process_core *me = self().core_();
          if (!me->exiting())
            return false;
          p.set_exception(
              std::make_exception_ptr(process_exited(me->reason())));
          return true;
        };
        try {
          if constexpr (std::is_void_v<R>) {
            std::apply(f, std::move(tup));
            if (!exited())
              p.set_value();
          } else {
            R r = std::apply(f, std::move(tup));
            if (!exited())
              p.set_value(std::move(r));
          }
        } catch (...) {
          process me = self();
          if (me.core_()->exiting())
            p.set_exception(
                std::make_exception_ptr(process_exited(me.core_()->reason())));
          else
            p.set_exception(std::current_exception());
          throw; // the process ends with this exception
        }
        self().exit(exit_reason::normal());
      });
  return monitored_task<R>(std::move(fut), s.pid());
}
template <
    class F, class... A,
    class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, start_options>>>
auto start_task(F f, A &&...args) {
  return start_task(start_options{}, std::move(f), std::forward<A>(args)...);
}

} // namespace kara

#endif // KARA_TASK_HPP
