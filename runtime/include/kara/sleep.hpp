// kara::sleep_for / kara::sleep_until: cancellable sleeps that run no other
// task meanwhile (SPEC §8). Compare this_task::sleep_for (detail/timeout.hpp),
// which runs other tasks on a worker while it sleeps.
#ifndef KARA_SLEEP_HPP
#define KARA_SLEEP_HPP

#include "detail/wait.hpp"

#include <chrono>

namespace kara {

/// Sleeps until `deadline`, waking early with `kara::cancelled` if the
/// current task is cancelled (also if it already is). The thread parks (a
/// timer entry wakes it); on a worker the scheduler's blocking compensation
/// is told, see docs/actors.md. Thread-safe.
/// Example: `kara::sleep_until(start + std::chrono::seconds(1));`
template <class Clock, class Duration>
void sleep_until(std::chrono::time_point<Clock, Duration> deadline) {
  const auto d =
      std::chrono::ceil<detail::clock::duration>(deadline - Clock::now());
  const auto at = detail::clock::now() + d;
  detail::waiter w; // nobody notifies it: only the deadline or cancellation
  if (detail::block(w, &at, detail::wait_mode::park) == detail::wake::cancelled)
    throw cancelled();
}

/// Sleeps at least `d` (see sleep_until). Example:
/// `kara::sleep_for(std::chrono::milliseconds(10));`
template <class Rep, class Period>
void sleep_for(std::chrono::duration<Rep, Period> d) {
  const auto at = detail::deadline_after(d);
  sleep_until(at);
}

} // namespace kara

#endif // KARA_SLEEP_HPP
