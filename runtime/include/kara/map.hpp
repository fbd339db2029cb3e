// kara::map and kara::map_limited over a range.
#ifndef KARA_MAP_HPP
#define KARA_MAP_HPP

#include "detail/lowest_error.hpp"
#include "detail/result.hpp"
#include "detail/scheduler.hpp"
#include "par.hpp"
#include "scope.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <iterator>
#include <type_traits>
#include <vector>

namespace kara {
namespace detail {

/// Random access to the elements of any forward range.
template <class Range> class indexed {
  using iter = decltype(std::begin(std::declval<Range &>()));
  static constexpr bool random =
      std::is_base_of_v<std::random_access_iterator_tag,
                        typename std::iterator_traits<iter>::iterator_category>;

public:
  explicit indexed(Range &r) : first_(std::begin(r)) {
    if constexpr (random) {
      size_ = static_cast<std::size_t>(std::distance(first_, std::end(r)));
    } else {
      for (auto it = first_; it != std::end(r); ++it)
        its_.push_back(it);
      size_ = its_.size();
    }
  }
  std::size_t size() const noexcept { return size_; }
  decltype(auto) operator[](std::size_t i) const {
    if constexpr (random)
      return first_[static_cast<std::ptrdiff_t>(i)];
    else
      return *its_[i];
  }
  using reference = decltype(*std::declval<iter &>());

private:
  iter first_;
  std::vector<iter> its_;
  std::size_t size_ = 0;
};

template <class Body>
void split_forced(std::size_t lo, std::size_t hi, std::size_t grain,
                  Body &body) {
  if (hi - lo <= grain) {
    for (std::size_t i = lo; i < hi; ++i)
      body(i);
    return;
  }
  std::size_t mid = lo + (hi - lo) / 2;
  par_forced([&] { split_forced(lo, mid, grain, body); },
             [&] { split_forced(mid, hi, grain, body); });
}

std::size_t map_grain(std::size_t n) noexcept;

} // namespace detail

/// Applies `f` to every element of `range`, in parallel, and returns the
/// results in order as a `std::vector` (void if `f` returns void). The range
/// is split in halves that are always stealable, down to
/// size / (64 x threads) elements per piece, so elements that block (inside
/// `kara::blocking`) overlap even when no worker was idle at the start.
/// Exceptions: as `par`: siblings are cancelled and the exception of the
/// lowest-index failing element (among those that ran) is rethrown, a real
/// error preferred over a `kara::cancelled` it caused.
/// Thread-safe if `f` is safe to run concurrently. Cost: a parallel `par`
/// per split (~100-300 ns) plus the vector of results.
/// Example: `std::vector<int> sq = kara::map([](int x) { return x * x; }, v);`
template <class F, class Range> auto map(F &&f, Range &&range) {
  detail::indexed<std::remove_reference_t<Range>> items(range);
  using R = std::invoke_result_t<
      F &, typename detail::indexed<std::remove_reference_t<Range>>::reference>;
  static_assert(!std::is_reference_v<R>, "kara::map: f must return values");
  const std::size_t n = items.size();
  if constexpr (std::is_void_v<R>) {
    auto body = [&](std::size_t i) { f(items[i]); };
    detail::split_forced(0, n, detail::map_grain(n), body);
  } else {
    std::vector<detail::slot<R>> slots(n);
    auto body = [&](std::size_t i) {
      slots[i].set_from([&]() -> R { return f(items[i]); });
    };
    detail::split_forced(0, n, detail::map_grain(n), body);
    std::vector<R> out;
    out.reserve(n);
    for (auto &s : slots)
      out.push_back(s.take());
    return out;
  }
}

/// Like `map`, but at most `limit` calls of `f` are in flight at once (e.g.
/// to bound connections). Runs `min(limit, size)` lanes that take the next
/// element in order (a lane task handles one element and then respawns).
/// Exceptions: the first failure stops the lanes from
/// taking more; the lowest-index exception among elements that ran is
/// rethrown (a real error is preferred over a `kara::cancelled` it caused).
/// `limit == 0` is treated as 1. Thread-safe; cost: a scope and one task per
/// lane plus an atomic increment per element. Example: `auto pages =
/// kara::map_limited(download, urls, 8);`
template <class F, class Range>
auto map_limited(F &&f, Range &&range, std::size_t limit) {
  detail::indexed<std::remove_reference_t<Range>> items(range);
  using R = std::invoke_result_t<
      F &, typename detail::indexed<std::remove_reference_t<Range>>::reference>;
  static_assert(!std::is_reference_v<R>,
                "kara::map_limited: f must return values");
  const std::size_t n = items.size();
  std::vector<detail::slot<R>> slots(n);
  std::atomic<std::size_t> next{0};
  detail::lowest_error errors;
  const std::size_t lanes = std::min(n, std::max<std::size_t>(limit, 1));
  // Each lane task handles one element and then spawns its successor, rather
  // than looping: a worker that helps while an element blocks then never
  // buries a long-running lane under another one on its stack.
  kara::scope([&](nursery &s) {
    struct lane {
      void operator()() const {
        if (run_one())
          detail::nursery_access::spawn_queued(*scope, *this);
      }
      bool run_one() const {
        if (scope->cancelled())
          return false;
        std::size_t i = next->fetch_add(1, std::memory_order_relaxed);
        if (i >= n)
          return false;
        if (errors->capture(i, [&] {
              (*slots)[i].set_from([&]() -> R { return (*f)((*items)[i]); });
            }))
          return true;
        scope->cancel();
        return false;
      }
      nursery *scope;
      std::atomic<std::size_t> *next;
      std::size_t n;
      std::vector<detail::slot<R>> *slots;
      std::remove_reference_t<F> *f;
      detail::indexed<std::remove_reference_t<Range>> *items;
      detail::lowest_error *errors;
    };
    lane proto{&s, &next, n, &slots, &f, &items, &errors};
    for (std::size_t k = 0; k < lanes; ++k)
      detail::nursery_access::spawn_queued(s, proto);
  });
  errors.rethrow_if_any();
  for (auto &sl : slots)
    if (!sl.has_value())
      throw cancelled(); // cancelled from outside before finishing
  if constexpr (std::is_void_v<R>) {
    return;
  } else {
    std::vector<R> out;
    out.reserve(n);
    for (auto &sl : slots)
      out.push_back(sl.take());
    return out;
  }
}

} // namespace kara

#endif // KARA_MAP_HPP
