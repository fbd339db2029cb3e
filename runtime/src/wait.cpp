// Blocking for the waiter of kara/detail/wait.hpp. The only file of the
// actors/futures/channels/sync primitives that uses scheduler internals
// (parkers, the blocking-compensation hook).
#include "internal.hpp"

#include <kara/detail/wait.hpp>

namespace kara::detail {
namespace {

// Blocking compensation: while a worker is parked in a runtime wait, its slot
// goes to a spare thread at once (blocking_region in detail/scheduler.hpp).

// Parks the calling thread until `c` is done, running nothing meanwhile.
void park_until_done(completion &c) noexcept {
  parker *me = this_thread_parker();
  void *expected = nullptr;
  if (!c.waiter().compare_exchange_strong(expected, me,
                                          std::memory_order_acq_rel))
    return; // already done: the waiter has a single owner
  blocking_region region; // a no-op off the compute pool
  while (!c.done())
    park(me); // spurious wake-ups (stale tokens) re-check
}

struct cancel_waker final : cancel_node {
  waiter *w = nullptr;
  void on_cancel() noexcept override { w->fire(wake::cancelled); }
};

struct deadline_waker : timer_node {
  waiter *w = nullptr;
};

} // namespace

wake block(waiter &w, const clock::time_point *deadline, wait_mode mode,
           bool cancellable) noexcept {
  cancel_state *ctx = cancellable ? current_ctx() : nullptr;
  cancel_waker on_cancel;
  on_cancel.w = &w;
  deadline_waker on_deadline;
  if (ctx != nullptr)
    ctx->attach(&on_cancel); // fires at once if already cancelled
  if (deadline != nullptr) {
    on_deadline.deadline = *deadline;
    on_deadline.w = &w;
    on_deadline.fire = [](timer_node *n) noexcept {
      static_cast<deadline_waker *>(n)->w->fire(wake::timed_out);
    };
    if (*deadline <= clock::now())
      w.fire(wake::timed_out);
    else
      arm_timer(&on_deadline);
  }
  if (mode == wait_mode::help)
    wait(w.done());
  else
    park_until_done(w.done());
  // Both return only once their firing code has finished with `w`.
  if (deadline != nullptr)
    disarm_timer(&on_deadline);
  if (ctx != nullptr)
    ctx->detach(&on_cancel);
  return w.status();
}

} // namespace kara::detail
