// Time: with_timeout and this_task::sleep_for, driven by one timer thread.
#ifndef KARA_TIMEOUT_HPP
#define KARA_TIMEOUT_HPP

#include "cancel.hpp"
#include "detail/scheduler.hpp"

#include <chrono>
#include <optional>
#include <type_traits>

namespace kara {
namespace detail {

using clock = std::chrono::steady_clock;

/// An entry of the timer thread. `fire` runs on the timer thread, under its
/// lock, so `disarm_timer` returning means it is not running.
struct timer_node {
  clock::time_point deadline;
  void (*fire)(timer_node *) noexcept = nullptr;
  bool fired = false; // written under the timer lock
};
void arm_timer(timer_node *node) noexcept;
/// Removes the entry if still armed. Returns true if it had fired.
bool disarm_timer(timer_node *node) noexcept;

void sleep_until(clock::time_point deadline);

struct cancel_timer : timer_node {
  cancel_state *target = nullptr;
  static void fire_cancel(timer_node *n) noexcept {
    static_cast<cancel_timer *>(n)->target->cancel();
  }
};

} // namespace detail

namespace this_task {

/// Sleeps at least `d`, waking early with `kara::cancelled` if the current
/// task is cancelled. On a compute worker it runs other tasks meanwhile
/// (so it may return a little late); elsewhere it parks the thread.
/// Thread-safe. Throws `kara::cancelled` if cancelled before or during it.
/// Example: `kara::this_task::sleep_for(std::chrono::milliseconds(10));`
template <class Rep, class Period>
void sleep_for(std::chrono::duration<Rep, Period> d) {
  detail::sleep_until(detail::clock::now() +
                      std::chrono::duration_cast<detail::clock::duration>(d));
}

} // namespace this_task

/// Runs `f()` on the calling thread with a deadline: when `d` elapses, `f`'s
/// cancellation (and everything nested in it) is requested. Returns the
/// result of `f`, or `std::nullopt` if `f` ended with `kara::cancelled`
/// because of the deadline (for a void `f`: `true` / `false`). If `f` returns
/// normally it wins even if the deadline passed while it finished.
/// Exceptions: others from `f` propagate; if the caller itself is cancelled,
/// `kara::cancelled` propagates. Thread-safe; cost: a cancel state and a
/// timer entry (two short locks).
/// Example:
///     std::optional<int> v = kara::with_timeout(std::chrono::milliseconds(50),
///                                               [&] { return slow(); });
template <class Rep, class Period, class F>
auto with_timeout(std::chrono::duration<Rep, Period> d, F &&f) {
  using R = std::invoke_result_t<F &>;
  static_assert(!std::is_reference_v<R>,
                "kara::with_timeout: f must return a value");
  using out_t = std::conditional_t<std::is_void_v<R>, bool, std::optional<R>>;
  detail::cancel_state *parent = detail::current_ctx();
  detail::cancel_state cs(parent);
  detail::cancel_timer timer;
  timer.deadline = detail::clock::now() +
                   std::chrono::duration_cast<detail::clock::duration>(d);
  timer.fire = &detail::cancel_timer::fire_cancel;
  timer.target = &cs;
  struct disarm_on_exit {
    detail::timer_node *node;
    ~disarm_on_exit() { detail::disarm_timer(node); }
  } disarm{&timer};
  detail::arm_timer(&timer);
  try {
    detail::ctx_guard guard(&cs);
    if constexpr (std::is_void_v<R>) {
      f();
      return out_t(true);
    } else {
      return out_t(f());
    }
  } catch (const cancelled &) {
    bool fired = detail::disarm_timer(&timer);
    if (fired && !(parent != nullptr && parent->stop_requested()))
      return std::is_void_v<R> ? out_t(false) : out_t();
    throw;
  }
}

} // namespace kara

#endif // KARA_TIMEOUT_HPP
