// kara::blocking: run OS-blocking work off the compute workers.
#ifndef KARA_DETAIL_BLOCKING_HPP
#define KARA_DETAIL_BLOCKING_HPP

#include "cancel.hpp"
#include "result.hpp"
#include "scheduler.hpp"

#include <exception>
#include <type_traits>

namespace kara {
namespace detail {
template <class F> struct blocking_job : task {
  using R = std::invoke_result_t<F &>;
  F *fn = nullptr;
  cancel_state *ctx = nullptr;
  slot<R> result;
  std::exception_ptr error;
  completion done{1};

  static void run_job(task *t) noexcept {
    auto *self = static_cast<blocking_job *>(t);
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
} // namespace detail

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
  detail::blocking_job<std::remove_reference_t<F>> job;
  job.run = &detail::blocking_job<std::remove_reference_t<F>>::run_job;
  job.name = "blocking";
  job.fn = &f;
  job.ctx = detail::current_ctx();
  if (!detail::push_blocking(&job))
    return f();
  detail::wait(job.done);
  if (job.error)
    std::rethrow_exception(job.error);
  return job.result.take();
}

} // namespace kara

#endif // KARA_DETAIL_BLOCKING_HPP
