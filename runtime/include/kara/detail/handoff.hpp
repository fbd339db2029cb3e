// Handing one callable to another thread and waiting for it: the root task
// of a par started outside the pool, and kara::blocking.
#ifndef KARA_DETAIL_HANDOFF_HPP
#define KARA_DETAIL_HANDOFF_HPP

#include "../cancel.hpp"
#include "result.hpp"
#include "scheduler.hpp"

#include <exception>
#include <type_traits>

namespace kara {
namespace detail {

/// A task running `*fn` in the cancellation context of whoever handed it
/// over, keeping its result or exception for the waiter.
template <class F> struct handoff_task : task {
  using R = std::invoke_result_t<F &>;
  F *fn = nullptr;
  cancel_state *ctx = nullptr;
  slot<R> result;
  std::exception_ptr error;
  completion done{1};

  static void run_handoff(task *t) noexcept {
    auto *self = static_cast<handoff_task *>(t);
    {
      ctx_guard guard(self->ctx);
      try {
        self->result.set_from(*self->fn);
      } catch (...) {
        self->error = std::current_exception();
      }
    }
    self->done.arrive();
  }
};

/// Runs `f` as a task that `submit(task *)` hands to another thread, waits
/// for it (a waiting worker runs other work) and returns its result or
/// rethrows its exception. Runs `f` inline when `submit` refuses the task.
template <class F, class Submit>
std::invoke_result_t<F &> run_handed_off(F &f, const char *name,
                                         Submit submit) {
  handoff_task<F> job;
  job.run = &handoff_task<F>::run_handoff;
  job.name = name;
  job.fn = &f;
  job.ctx = current_ctx();
  if (!submit(static_cast<task *>(&job)))
    return f();
  wait(job.done);
  if (job.error)
    std::rethrow_exception(job.error);
  return job.result.take();
}

} // namespace detail
} // namespace kara

#endif // KARA_DETAIL_HANDOFF_HPP
