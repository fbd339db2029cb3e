// kara::blocking: run OS-blocking work off the compute workers.
#ifndef KARA_BLOCKING_HPP
#define KARA_BLOCKING_HPP

#include "detail/handoff.hpp"

#include <exception>
#include <type_traits>

namespace kara {

/// Runs `f()` on a thread of the elastic blocking pool and returns its result
/// (or rethrows its exception). Use it around I/O, sleeps and other OS
/// blocking so that compute workers stay free: while waiting, a worker runs
/// other tasks. `f` sees the caller's cancellation (`stop_requested()`,
/// `this_task::sleep_for` wake up), but a blocking system call cannot be
/// interrupted: `blocking` always waits for `f` to return.
/// Thread-safe. Cost: a hand-off to another thread (~5-20 us); the pool grows
/// a thread when none is free (up to 512).
/// Example: `std::string body = kara::blocking([&] { return http_get(url); });`
template <class F> std::invoke_result_t<F &> blocking(F &&f) {
  return detail::run_handed_off(
      f, "blocking", [](detail::task *t) { return detail::push_blocking(t); });
}

} // namespace kara

#endif // KARA_BLOCKING_HPP
