// kara::race: first successful branch wins; the others are cancelled.
#ifndef KARA_RACE_HPP
#define KARA_RACE_HPP

#include "cancel.hpp"
#include "detail/lowest_error.hpp"
#include "detail/result.hpp"
#include "par.hpp"

#include <atomic>
#include <exception>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {
namespace detail {

template <class R> struct race_state {
  explicit race_state(cancel_state *parent) noexcept : cs(parent) {}
  cancel_state cs;
  std::atomic<bool> won{false};
  slot<R> result;
  lowest_error errors;

  template <class F> void run_branch(F &f, std::size_t i) noexcept {
    if (cs.stop_requested())
      return;
    ctx_guard guard(&cs);
    // A failure does not cancel the others: one of them may still win.
    (void)errors.capture(i, [&] {
      if constexpr (std::is_void_v<R>) {
        f();
        if (!won.exchange(true, std::memory_order_acq_rel))
          cs.cancel();
      } else {
        R value = f();
        if (!won.exchange(true, std::memory_order_acq_rel)) {
          result.set_from([&]() -> R { return std::move(value); });
          cs.cancel();
        }
      }
    });
  }
};

template <class R, class... F, std::size_t... I>
R race_impl(std::index_sequence<I...>, F &...fs) {
  race_state<R> st(current_ctx());
  par_forced([&] { st.run_branch(fs, I); }...);
  if (st.won.load(std::memory_order_acquire))
    return st.result.take();
  // Nobody won: the lowest-index real error, else kara::cancelled.
  st.errors.rethrow_if_any();
  throw cancelled();
}

} // namespace detail

/// Runs the callables concurrently (always stealable); the first to return
/// normally wins, the others are cancelled and joined, and the winner's
/// result is returned. All callables must return the same type.
/// Exceptions: if none succeeds, the lowest-index non-cancellation exception
/// is rethrown, else `kara::cancelled`. Branches only run truly in parallel
/// when workers are free; losers stop only at their cancellation points.
/// Thread-safe. Cost: like a parallel `par` plus a cancel state.
/// Example:
///     std::string r = kara::race([&] { return fetch(primary); },
///                                [&] { return fetch(replica); });
template <class F0, class... F>
auto race(F0 &&f0, F &&...fs) -> std::invoke_result_t<F0 &> {
  using R = std::invoke_result_t<F0 &>;
  static_assert((std::is_same_v<R, std::invoke_result_t<F &>> && ...),
                "kara::race: all branches must return the same type");
  static_assert(!std::is_reference_v<R>,
                "kara::race: return values, not references");
  return detail::race_impl<R>(std::index_sequence_for<F0, F...>{}, f0, fs...);
}

} // namespace kara

#endif // KARA_RACE_HPP
