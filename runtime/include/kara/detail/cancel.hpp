// Cooperative cancellation: a tree of cancel states that mirrors the tree of
// structured tasks (par frames, scopes, spawned tasks). Cancelling a node
// cancels its whole subtree and wakes runtime waits registered on it.
#ifndef KARA_DETAIL_CANCEL_HPP
#define KARA_DETAIL_CANCEL_HPP

#include "config.hpp"

#include <atomic>
#include <exception>
#include <mutex>

namespace kara {

/// Thrown by `this_task::checkpoint()` and by runtime waits of a cancelled
/// task; also what `join()` rethrows for a task that was cancelled before it
/// started. Scopes and `par` do not treat it as an error of their own when it
/// results from their own cancellation (see docs/runtime.md).
class cancelled : public std::exception {
public:
  const char *what() const noexcept override { return "kara::cancelled"; }
};

namespace detail {

/// Something to notify when a cancel state is cancelled (a child state or a
/// waiter). Linked intrusively into the parent's list, under its mutex.
class cancel_node {
public:
  virtual void on_cancel() noexcept = 0;
  cancel_node *prev_ = nullptr;
  cancel_node *next_ = nullptr;

protected:
  ~cancel_node() = default;
};

/// One node of the cancellation tree. `stop_requested()` is one atomic load;
/// cancellation propagates downwards eagerly so that waits can be woken.
class cancel_state final : public cancel_node {
public:
  /// Registers with `parent` (may be null). Born cancelled if the parent is.
  explicit cancel_state(cancel_state *parent) noexcept;
  ~cancel_state();
  cancel_state(const cancel_state &) = delete;
  cancel_state &operator=(const cancel_state &) = delete;

  bool stop_requested() const noexcept {
    return stopped_.load(std::memory_order_acquire);
  }
  /// Idempotent; cancels every descendant and runs registered waiters.
  void cancel() noexcept;
  /// Unlinks from the parent so that this state may outlive it.
  void detach() noexcept;
  /// Registers `node`; if this state is already cancelled, runs
  /// `node->on_cancel()` at once (and still registers it).
  void attach(cancel_node *node) noexcept;
  void detach(cancel_node *node) noexcept;
  cancel_state *parent() const noexcept { return parent_; }

  void on_cancel() noexcept override { cancel(); }

private:
  void link_locked(cancel_node *node) noexcept;
  void unlink_locked(cancel_node *node) noexcept;

  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
  cancel_node *head_ = nullptr;
  cancel_state *parent_ = nullptr;
};

/// The cancel state of the task running on this thread (null outside tasks).
cancel_state *current_ctx() noexcept;
void set_current_ctx(cancel_state *ctx) noexcept;

/// Makes `ctx` current for a lexical region; restores the previous one.
class ctx_guard {
public:
  explicit ctx_guard(cancel_state *ctx) noexcept : saved_(current_ctx()) {
    set_current_ctx(ctx);
  }
  ~ctx_guard() { set_current_ctx(saved_); }
  ctx_guard(const ctx_guard &) = delete;
  ctx_guard &operator=(const ctx_guard &) = delete;

private:
  cancel_state *saved_;
};

} // namespace detail

namespace this_task {

/// True once the current task (or any enclosing scope/par/task) was cancelled.
/// Thread-safe; cost: an out-of-line call, a thread-local read and an atomic
/// load (~2 ns). Outside any kara task it returns false.
/// Example: `while (!kara::this_task::stop_requested()) step();`
bool stop_requested() noexcept;

/// Throws `kara::cancelled` if `stop_requested()`; otherwise does nothing.
/// Thread-safe; cost as `stop_requested()`.
/// Example: `for (auto &x : xs) { kara::this_task::checkpoint(); f(x); }`
void checkpoint();

} // namespace this_task
} // namespace kara

#endif // KARA_DETAIL_CANCEL_HPP
