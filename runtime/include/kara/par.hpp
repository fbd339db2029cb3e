// kara::par: fork-join of a fixed set of callables.
//
// Fast path: when no compute worker is idle (one relaxed load of g_idle), the
// branches run inline, in order, as plain calls: nobody could steal them, so
// making them stealable would only cost. Otherwise branches 1..n-1 are pushed
// on the worker's deque, branch 0 runs inline, and the joiner pops back what
// nobody stole and helps with other work until the stolen branches finish.
#ifndef KARA_PAR_HPP
#define KARA_PAR_HPP

#include "cancel.hpp"
#include "detail/config.hpp"
#include "detail/handoff.hpp"
#include "detail/lowest_error.hpp"
#include "detail/result.hpp"
#include "detail/scheduler.hpp"

#include <exception>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {
namespace detail {

/// Runs `f` on a pool worker on behalf of a thread that is not one (main,
/// a blocking thread...), parking the caller until it is done. The task keeps
/// the caller's cancellation context. Runs `f` inline if the pool is gone.
template <class F> decltype(auto) run_on_pool(F &f) {
  return run_handed_off(f, "root",
                        [](task *t) { return ensure_started() && push(t); });
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
    if (!errors_.capture(
            I, [this] { std::get<I>(slots_).set_from(std::get<I>(fns_)); }))
      cs_.cancel();
  }

  auto finish() {
    // A real error beats a kara::cancelled that the first error caused in a
    // lower-index sibling: report what sequential code would have seen.
    errors_.rethrow_if_any();
    for (std::size_t i = 0; i < N; ++i)
      if (skipped_[i])
        throw cancelled();
    return assemble(slots_);
  }

  std::tuple<F &...> fns_;
  std::tuple<slot<std::invoke_result_t<F &>>...> slots_;
  lowest_error errors_;
  bool skipped_[N] = {};
  cancel_state cs_;
  completion done_;
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

/// Lazy binary splitting: `par` offers work only if this worker has none
/// queued already (a queued task is an older, so bigger, piece for a thief);
/// otherwise it runs inline.
template <bool Forced, class... F> KARA_NOINLINE auto par_parallel(F &...fs) {
  if (on_worker()) {
    if (!Forced && !should_offer())
      return par_inline(fs...);
    par_frame<F...> frame(fs...);
    return frame.run();
  }
  auto body = [&] {
    par_frame<F...> frame(fs...);
    return frame.run();
  };
  return run_on_pool(body);
}

/// True when a branch can reach the parallel path as a copy in registers:
/// a temporary (so nobody can observe the copy), trivially copyable, at most
/// two words. Passing such branches by value keeps their addresses, and so
/// the addresses of locals they capture by value, from escaping the caller:
/// the inline path then compiles like the plain calls it replaces.
template <class F, bool = std::is_object_v<std::remove_reference_t<F>> &&
                          !std::is_lvalue_reference_v<F>>
struct pass_by_value : std::false_type {};
template <class F>
struct pass_by_value<F, true>
    : std::bool_constant<
          std::is_trivially_copyable_v<std::remove_reference_t<F>> &&
          sizeof(std::remove_reference_t<F>) <= 2 * sizeof(void *)> {};

template <bool Forced, class... F>
KARA_NOINLINE auto par_parallel_copies(F... fs) {
  return par_parallel<Forced>(fs...);
}

/// The out-of-line entry of `par` and `par_forced`.
template <bool Forced, class... F> auto par_slow(F &&...fs) {
  if constexpr ((pass_by_value<F>::value && ...))
    return par_parallel_copies<Forced, std::remove_reference_t<F>...>(fs...);
  else
    return par_parallel<Forced>(fs...);
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
/// caller parks until it is done. For fine-grained recursion capture small
/// values by copy (`[n] { return fib(n - 1); }`): such branches reach the
/// parallel path by value and the inline path then costs what plain calls
/// cost; with `[&]` the captured locals must live in memory (1.5x on fib
/// without a cutoff, docs/benchmarks-runtime.md). Callables passed by name
/// are never copied.
template <class... F>
auto par(F &&...fs) -> detail::par_result_t<std::invoke_result_t<F &>...> {
  if constexpr (sizeof...(F) <= 1) {
    return detail::par_inline(fs...);
  } else {
    if (KARA_LIKELY(detail::g_idle.value.load(std::memory_order_relaxed) == 0))
      return detail::par_inline(fs...);
    return detail::par_slow<false>(std::forward<F>(fs)...);
  }
}

namespace detail {
/// Like `par`, but always makes the branches stealable (used by map and race,
/// whose branches may block and must not depend on an idle worker at fork).
template <class... F> auto par_forced(F &&...fs) {
  if constexpr (sizeof...(F) <= 1)
    return par_inline(fs...);
  else
    return par_slow<true>(std::forward<F>(fs)...);
}
} // namespace detail

} // namespace kara

#endif // KARA_PAR_HPP
