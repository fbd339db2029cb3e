// kara::abort: graceful cancellation of a spawned task (SPEC §8).
#ifndef KARA_ABORT_HPP
#define KARA_ABORT_HPP

#include "handle.hpp"

namespace kara {

/// Requests cancellation of the task behind `h` and waits for it to end, so
/// the task unwinds at its next checkpoint or runtime wait and its
/// destructors run before `abort` returns. Returns true if the task ended by
/// cancellation, false if it finished with a value first (which is
/// discarded). Any other exception of the task is rethrown. The handle may
/// not be joined again. Example:
///     auto h = kara::spawn([ch] { for (;;) handle(ch.recv()); });
///     kara::abort(h);
template <class R> bool abort(task_handle<R> &h) {
  h.cancel();
  try {
    (void)h.join();
    return false;
  } catch (const cancelled &) {
    return true;
  }
}

} // namespace kara

#endif // KARA_ABORT_HPP
