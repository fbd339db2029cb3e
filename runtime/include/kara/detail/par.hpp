// kara::par: fork-join of a fixed set of callables.
//
// Fast path: when no compute worker is idle, the branches run inline, in
// order, as plain calls (one relaxed load of g_idle; in a multi-worker pool
// also one thread-local load of the latent budget).
//
// Heartbeat-style promotion: the outermost `latent_depth` pars of each task
// run inline too, but register a latent_frame while their branches run. When
// a worker is idle, the next par entry on a busy worker promotes the OLDEST
// registered frame that still has branches not started: those branches are
// published as tasks (a thief gets the biggest piece of work, not a leaf),
// and the owner joins them when it reaches them. Only if no frame is left
// does the current par make its own branches stealable (par_frame).
#ifndef KARA_DETAIL_PAR_HPP
#define KARA_DETAIL_PAR_HPP

#include "cancel.hpp"
#include "config.hpp"
#include "result.hpp"
#include "scheduler.hpp"

#include <exception>
#include <functional>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {
namespace detail {

/// Runs `f` on a pool worker on behalf of a thread that is not one (main,
/// a blocking thread...), parking the caller until it is done. The task keeps
/// the caller's cancellation context. Runs `f` inline if the pool is gone.
template <class F> struct root_task : task {
  using R = std::invoke_result_t<F &>;
  F *fn = nullptr;
  cancel_state *ctx = nullptr;
  slot<R> result;
  std::exception_ptr error;
  completion done{1};

  static void run_root(task *t) noexcept {
    auto *self = static_cast<root_task *>(t);
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

template <class F> decltype(auto) run_on_pool(F &f) {
  root_task<F> job;
  job.run = &root_task<F>::run_root;
  job.name = "root";
  job.fn = &f;
  job.ctx = current_ctx();
  if (!ensure_started() || !push(&job))
    return f();
  wait(job.done);
  if (job.error)
    std::rethrow_exception(job.error);
  return job.result.take();
}

/// The frame of one parallel `par`: lives on the joiner's stack; its tasks
/// point into it, which is safe because the joiner waits for all of them.
template <class... F> class par_frame {
  static constexpr std::size_t N = sizeof...(F);
  static_assert(N >= 2, "par_frame needs at least two branches");

  struct branch : task {
    par_frame *frame = nullptr;
  };

public:
  explicit par_frame(F &...fs) noexcept
      : fns_(fs...), cs_(current_ctx()), done_(static_cast<int>(N - 1)) {}
  par_frame(const par_frame &) = delete;
  par_frame &operator=(const par_frame &) = delete;

  auto run() {
    init_branches(std::make_index_sequence<N>{});
    task *ptrs[N - 1];
    // Pushed last-to-first so that the owner pops branch 1 first (sequential
    // order) and thieves take the last branches first.
    for (std::size_t i = N - 1, k = 0; i >= 1; --i, ++k)
      ptrs[k] = &branches_[i];
    if (!push_batch(ptrs, N - 1)) {
      // Runtime shut down: run everything here.
      for (std::size_t i = 1; i < N; ++i)
        branches_[i].run(&branches_[i]);
    }
    {
      trace_span span("par.branch", 0);
      invoke<0>();
    }
    for (std::size_t i = 1; i < N; ++i) {
      if (!pop_if(&branches_[i]))
        break; // stolen, or already run while this thread helped
      execute(&branches_[i]);
    }
    wait(done_);
    return finish();
  }

private:
  template <std::size_t... I> void init_branches(std::index_sequence<I...>) {
    constexpr task::run_fn table[] = {&run_branch<I>...};
    for (std::size_t i = 1; i < N; ++i) {
      branches_[i].run = table[i];
      branches_[i].name = "par.branch";
      branches_[i].index = static_cast<int>(i);
      branches_[i].frame = this;
    }
  }

  template <std::size_t I> static void run_branch(task *t) noexcept {
    par_frame &frame = *static_cast<branch *>(t)->frame;
    frame.template invoke<I>();
    frame.done_.arrive(); // the frame may be gone after this
  }

  template <std::size_t I> void invoke() noexcept {
    // Branch 0 is the joiner's own continuation and always starts, so its
    // error (what sequential code would see first) is never lost to a skip.
    if (I != 0 && cs_.stop_requested()) {
      skipped_[I] = true; // a sibling failed or the parent was cancelled
      return;
    }
    ctx_guard guard(&cs_);
    try {
      std::get<I>(slots_).set_from(std::get<I>(fns_));
    } catch (const cancelled &) {
      errors_[I] = std::current_exception();
      is_cancel_[I] = true;
      cs_.cancel();
    } catch (...) {
      errors_[I] = std::current_exception();
      cs_.cancel();
    }
  }

  auto finish() {
    // A real error beats a kara::cancelled that the first error caused in a
    // lower-index sibling: report what sequential code would have seen.
    for (std::size_t i = 0; i < N; ++i)
      if (errors_[i] && !is_cancel_[i])
        std::rethrow_exception(errors_[i]);
    for (std::size_t i = 0; i < N; ++i)
      if (errors_[i])
        std::rethrow_exception(errors_[i]);
    for (std::size_t i = 0; i < N; ++i)
      if (skipped_[i])
        throw cancelled();
    return assemble(slots_);
  }

  std::tuple<F &...> fns_;
  std::tuple<slot<std::invoke_result_t<F &>>...> slots_;
  std::exception_ptr errors_[N];
  bool is_cancel_[N] = {};
  bool skipped_[N] = {};
  cancel_state cs_;
  completion done_;
  branch branches_[N];
};

/// A `par` that runs inline but can be promoted while it runs (see
/// latent_frame). Not promoted: exactly the inline semantics (the branches
/// run under the caller's cancel state; a throwing branch propagates and later
/// branches never start). Promoted while branch k-1 runs: branches k..N-1
/// become tasks under a new cancel state (child of the caller's), the owner
/// finishes branch k-1 and then joins them like a parallel par; errors follow
/// `par`'s rules (lowest index, real error over kara::cancelled). The branch
/// that was running inline when the frame was promoted is not cancelled by a
/// failing promoted sibling (it runs under the caller's state); it finishes,
/// as it would have on the inline path.
template <class... F> class latent_par final : latent_frame {
  static constexpr std::size_t N = sizeof...(F);
  static_assert(N >= 2, "latent_par needs at least two branches");

  struct branch : task {
    latent_par *frame = nullptr;
  };

public:
  explicit latent_par(F &...fs) noexcept
      : fns_(fs...), ctx_(current_ctx()), saved_budget_(tls_latent_budget) {
    promote = &promote_thunk;
    tls_latent_budget = saved_budget_ - 1;
  }
  ~latent_par() { tls_latent_budget = saved_budget_; }
  latent_par(const latent_par &) = delete;
  latent_par &operator=(const latent_par &) = delete;

  auto run() {
    latent_push(this);
    linked_ = true;
    run_inline(std::make_index_sequence<N>{});
    if (linked_)
      latent_pop(this);
    if (!promoted)
      return assemble(slots_);
    for (std::size_t i = from_; i < N; ++i) {
      if (!pop_if(&branches_[i]))
        break; // stolen, or already run while this thread helped
      execute(&branches_[i]);
    }
    wait(*done_);
    return finish();
  }

private:
  template <std::size_t... I> void run_inline(std::index_sequence<I...>) {
    (void)(step<I>() && ...);
  }

  /// Runs branch I inline unless it was promoted; false stops the sequence.
  template <std::size_t I> bool step() {
    if (promoted)
      return false; // branches I..N-1 are tasks now
    next_ = I + 1;
    if (I == N - 1) {
      // Nothing left to promote: unlink before the last branch so that its
      // own frames stack on our parent's.
      latent_pop(this);
      linked_ = false;
    }
    try {
      std::get<I>(slots_).set_from(std::get<I>(fns_));
      return true;
    } catch (const cancelled &) {
      if (!promoted)
        unlink_and_rethrow();
      errors_[I] = std::current_exception();
      is_cancel_[I] = true;
    } catch (...) {
      if (!promoted)
        unlink_and_rethrow();
      errors_[I] = std::current_exception();
    }
    cs_->cancel(); // promoted: cancel the published siblings, then join
    return false;
  }

  [[noreturn]] void unlink_and_rethrow() {
    if (linked_) {
      latent_pop(this);
      linked_ = false;
    }
    throw;
  }

  template <std::size_t... I>
  void init_branches(std::size_t from, std::index_sequence<I...>) noexcept {
    constexpr task::run_fn table[] = {&run_branch<I>...};
    for (std::size_t i = from; i < N; ++i) {
      branches_[i].run = table[i];
      branches_[i].name = "par.branch";
      branches_[i].index = static_cast<int>(i);
      branches_[i].frame = this;
    }
  }

  /// Owner thread, from a par entry nested in branch next_-1.
  static void promote_thunk(latent_frame *base) noexcept {
    auto *self = static_cast<latent_par *>(base);
    const std::size_t from = self->next_;
    self->cs_.emplace(self->ctx_);
    self->done_.emplace(static_cast<int>(N - from));
    self->init_branches(from, std::make_index_sequence<N>{});
    self->promoted = true;
    self->from_ = from;
    task *ptrs[N];
    std::size_t count = 0;
    // Last-to-first: the owner pops branch `from` first, thieves take the
    // last branches first.
    for (std::size_t i = N - 1; i >= from; --i)
      ptrs[count++] = &self->branches_[i];
    if (!push_batch(ptrs, count)) {
      // Runtime shut down: run them here (they are concurrent branches).
      for (std::size_t i = from; i < N; ++i)
        self->branches_[i].run(&self->branches_[i]);
    }
  }

  template <std::size_t I> static void run_branch(task *t) noexcept {
    latent_par &frame = *static_cast<branch *>(t)->frame;
    frame.template invoke<I>();
    frame.done_->arrive(); // the frame may be gone after this
  }

  template <std::size_t I> void invoke() noexcept {
    if (cs_->stop_requested()) {
      skipped_[I] = true; // a sibling failed or the parent was cancelled
      return;
    }
    ctx_guard guard(&*cs_);
    try {
      std::get<I>(slots_).set_from(std::get<I>(fns_));
    } catch (const cancelled &) {
      errors_[I] = std::current_exception();
      is_cancel_[I] = true;
      cs_->cancel();
    } catch (...) {
      errors_[I] = std::current_exception();
      cs_->cancel();
    }
  }

  auto finish() {
    for (std::size_t i = 0; i < N; ++i)
      if (errors_[i] && !is_cancel_[i])
        std::rethrow_exception(errors_[i]);
    for (std::size_t i = 0; i < N; ++i)
      if (errors_[i])
        std::rethrow_exception(errors_[i]);
    for (std::size_t i = 0; i < N; ++i)
      if (skipped_[i])
        throw cancelled();
    return assemble(slots_);
  }

  std::tuple<F &...> fns_;
  std::tuple<slot<std::invoke_result_t<F &>>...> slots_;
  cancel_state *ctx_;
  int saved_budget_;
  bool linked_ = false;
  std::size_t next_ = 0;
  std::size_t from_ = N;
  std::exception_ptr errors_[N];
  bool is_cancel_[N] = {};
  bool skipped_[N] = {};
  std::optional<cancel_state> cs_;
  std::optional<completion> done_;
  branch branches_[N];
};

template <class... F, std::size_t... I>
auto par_inline_slots(std::index_sequence<I...>, F &...fs) {
  std::tuple<slot<std::invoke_result_t<F &>>...> slots;
  (std::get<I>(slots).set_from(fs), ...);
  return assemble(slots);
}

template <class... F> auto par_inline(F &...fs) {
  using info = nonvoid_info<std::invoke_result_t<F &>...>;
  if constexpr (info::count == 0) {
    (fs(), ...);
  } else if constexpr (info::count == sizeof...(F)) {
    // Braced initialisation evaluates left to right.
    return std::tuple<std::invoke_result_t<F &>...>{fs()...};
  } else {
    return par_inline_slots(std::index_sequence_for<F...>{}, fs...);
  }
}

/// The slow path of `par` (and all of `par_forced`). On a worker, when some
/// worker is idle and this one has nothing queued already (lazy binary
/// splitting: one outstanding offer per worker), promote the oldest latent
/// frame of this worker; if there is none, make this par's own branches
/// stealable. Then run the par as a latent frame while the task's latent
/// budget lasts, else inline.
template <bool Forced, class... F> KARA_NOINLINE auto par_parallel(F &...fs) {
  if (on_worker()) {
    if (!Forced) {
      const int idle =
          g_idle.value.load(std::memory_order_relaxed) & (idle_multi_bit - 1);
      if (idle != 0 && should_offer() && !promote_oldest()) {
        par_frame<F...> frame(fs...);
        return frame.run();
      }
      if (tls_latent_budget > 0) {
        latent_par<F...> frame(fs...);
        return frame.run();
      }
      return par_inline(fs...);
    }
    par_frame<F...> frame(fs...);
    return frame.run();
  }
  auto body = [&] {
    par_frame<F...> frame(fs...);
    return frame.run();
  };
  return run_on_pool(body);
}

} // namespace detail

/// Runs the callables, possibly in parallel, and returns when all are done.
///
/// Returns the results of the non-void branches in order as a `std::tuple`
/// (one non-void branch still gives a 1-tuple), or `void` if all are void:
///     auto [profile, orders] = kara::par([&] { return fetch_profile(id); },
///                                        [&] { return fetch_orders(id); });
///
/// Exceptions: if branches throw, siblings are cancelled (their
/// `stop_requested()` turns true; branches that have not started are skipped),
/// every branch is joined, and the exception of the lowest-index failing
/// branch is rethrown (a real error is preferred over a `kara::cancelled` it
/// caused). If the par was cancelled from outside and a branch was skipped,
/// `kara::cancelled` is thrown.
///
/// Thread safety: callable from any thread; the branches run concurrently, so
/// they must not race on shared data (kara-tidy's kara-par-conflict checks it).
///
/// Cost: when no worker is idle, one relaxed atomic load plus the plain calls
/// (no allocation, no atomic read-modify-write). Otherwise ~100-300 ns to make
/// branches stealable, and a steal costs a few microseconds. From a thread
/// that is not a pool worker, a parallel par is handed to the pool and the
/// caller parks until it is done.
template <class... F>
auto par(F &&...fs) -> detail::par_result_t<std::invoke_result_t<F &>...> {
  if constexpr (sizeof...(F) <= 1) {
    return detail::par_inline(fs...);
  } else {
    // 0: single-worker pool (nobody can ever steal); idle_multi_bit alone:
    // multi-worker pool with no idle worker, and this par is too deep in its
    // task to be worth registering as a latent frame.
    const int w = detail::g_idle.value.load(std::memory_order_relaxed);
    if (KARA_LIKELY(w == 0 || (w == detail::idle_multi_bit &&
                               detail::tls_latent_budget <= 0)))
      return detail::par_inline(fs...);
    return detail::par_parallel<false>(fs...);
  }
}

namespace detail {
/// Like `par`, but always makes the branches stealable (used by map and race,
/// whose branches may block and must not depend on an idle worker at fork).
template <class... F> auto par_forced(F &&...fs) {
  if constexpr (sizeof...(F) <= 1)
    return par_inline(fs...);
  else
    return par_parallel<true>(fs...);
}

/// Testing hook: on a worker, runs the branches as a registered latent frame
/// (promotable by `promote_oldest()` from inside a branch) regardless of idle
/// workers and budget; elsewhere, like `par`.
template <class... F> auto par_latent(F &&...fs) {
  if constexpr (sizeof...(F) <= 1) {
    return par_inline(fs...);
  } else {
    if (!on_worker())
      return kara::par(fs...);
    latent_par<std::remove_reference_t<F>...> frame(fs...);
    return frame.run();
  }
}
} // namespace detail

} // namespace kara

#endif // KARA_DETAIL_PAR_HPP
