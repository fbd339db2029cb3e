// kara::race: first successful branch wins; the others are cancelled.
#ifndef KARA_DETAIL_RACE_HPP
#define KARA_DETAIL_RACE_HPP

#include "cancel.hpp"
#include "par.hpp"
#include "result.hpp"

#include <atomic>
#include <exception>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {
namespace detail {

template <class R, std::size_t N> struct race_state {
  explicit race_state(cancel_state *parent) noexcept : cs(parent) {}
  cancel_state cs;
  std::atomic<bool> won{false};
  slot<R> result;
  std::exception_ptr errors[N];
  bool is_cancel[N] = {};

  template <class F> void run_branch(F &f, std::size_t i) noexcept {
    if (cs.stop_requested())
      return;
    ctx_guard guard(&cs);
    try {
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
    } catch (const cancelled &) {
      errors[i] = std::current_exception();
      is_cancel[i] = true;
    } catch (...) {
      errors[i] = std::current_exception();
    }
  }
};

template <class R, class... F, std::size_t... I>
R race_impl(std::index_sequence<I...>, F &...fs) {
  race_state<R, sizeof...(F)> st(current_ctx());
  par_forced([&] { st.run_branch(fs, I); }...);
  if (st.won.load(std::memory_order_acquire))
    return st.result.take();
  for (auto &e : st.errors)
    if (e && !st.is_cancel[&e - st.errors])
      std::rethrow_exception(e);
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

#endif // KARA_DETAIL_RACE_HPP
