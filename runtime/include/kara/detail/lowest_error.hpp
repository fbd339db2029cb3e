// The error rule of par, race, map and map_limited (SPEC §5), in one place:
// of the branches that failed, the lowest-index one with a real error wins,
// so the error is the one sequential code would have seen first. A
// `kara::cancelled` wins only when no branch failed for real: a failure
// cancels its siblings, and the `kara::cancelled` that a lower-index sibling
// then throws is a consequence of the error, not the error.
#ifndef KARA_DETAIL_LOWEST_ERROR_HPP
#define KARA_DETAIL_LOWEST_ERROR_HPP

#include "../cancel.hpp"

#include <cstddef>
#include <exception>
#include <mutex>
#include <utility>

namespace kara {
namespace detail {

/// Collects the exceptions of a set of indexed branches and keeps the one
/// the rule above picks. Branches record concurrently (a lock taken only on
/// failure); the joiner reads after every branch is joined.
class lowest_error {
public:
  /// Runs `f()`; if it throws, records the exception for branch `index` and
  /// returns false. Thread-safe.
  template <class F> bool capture(std::size_t index, F &&f) noexcept {
    try {
      f();
      return true;
    } catch (const cancelled &) {
      record(index, std::current_exception(), true);
    } catch (...) {
      record(index, std::current_exception(), false);
    }
    return false;
  }

  /// Records `error`, thrown by branch `index` (`cancellation`: it is a
  /// `kara::cancelled`). Thread-safe.
  void record(std::size_t index, std::exception_ptr error,
              bool cancellation) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (error_ && !beats(index, cancellation))
      return; // `error` is released after the unlock
    std::swap(error_, error);
    index_ = index;
    cancellation_ = cancellation;
  }

  /// After the join: whether any branch failed, and whether one failed with
  /// a real error.
  bool any() const noexcept { return static_cast<bool>(error_); }
  bool real() const noexcept { return error_ && !cancellation_; }
  /// After the join: the winner's branch index (meaningful if `any()`).
  std::size_t index() const noexcept { return index_; }

  /// After the join: rethrows the winning exception, if any.
  void rethrow_if_any() const {
    if (error_)
      std::rethrow_exception(error_);
  }

private:
  bool beats(std::size_t index, bool cancellation) const noexcept {
    if (cancellation != cancellation_)
      return !cancellation; // a real error beats a cancellation
    return index < index_;
  }

  std::mutex mutex_;
  std::exception_ptr error_;
  std::size_t index_ = 0;
  bool cancellation_ = false;
};

} // namespace detail
} // namespace kara

#endif // KARA_DETAIL_LOWEST_ERROR_HPP
