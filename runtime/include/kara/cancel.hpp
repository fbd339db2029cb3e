// Cooperative cancellation: a tree of cancel states that mirrors the tree of
// structured tasks (par frames, scopes, spawned tasks). Cancelling a node
// cancels its whole subtree and wakes runtime waits registered on it.
#ifndef KARA_CANCEL_HPP
#define KARA_CANCEL_HPP

#include "detail/config.hpp"

#include <atomic>
#include <cstdint>
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

/// Counts cancel() calls anywhere (each bumps it once, after setting its
/// flag): unlinked states use it to skip walking up their chain.
struct alignas(64) cancel_epoch {
  std::atomic<std::uint64_t> value{0};
};
inline cancel_epoch g_cancel_epoch;

/// One node of the cancellation tree. Linked into its parent lazily: a state
/// that nobody waits on (no registered waiter or linked child) is not in its
/// parent's list, and `stop_requested()` then also looks at its ancestors up
/// to the first linked one. So creating one (every scope, parallel par and
/// task has one) takes no lock; the first `attach` links the chain. Chains of
/// unlinked states are kept short (`max_chain`): a deeper one links at once.
class cancel_state final : public cancel_node {
public:
  static constexpr int max_chain = 8;

  /// Child of `parent` (may be null). Cancelled whenever the parent is.
  explicit cancel_state(cancel_state *parent) noexcept
      : parent_(parent),
        chain_(parent == nullptr
                   ? 0
                   : parent->chain_.load(std::memory_order_relaxed) + 1) {
    if (parent_ == nullptr) {
      linked_.store(true, std::memory_order_relaxed);
    } else if (chain_.load(std::memory_order_relaxed) > max_chain) {
      link();
    } else if (!parent_->linked_.load(std::memory_order_acquire)) {
      // The parent's chain was clear then, and this state is not cancelled.
      clear_epoch_.store(parent_->clear_epoch_.load(std::memory_order_relaxed),
                         std::memory_order_relaxed);
    } else {
      const std::uint64_t epoch =
          g_cancel_epoch.value.load(std::memory_order_acquire);
      if (!parent_->stopped_.load(std::memory_order_acquire))
        clear_epoch_.store(epoch, std::memory_order_relaxed);
    }
  }
  ~cancel_state() {
    if (parent_ != nullptr && linked_.load(std::memory_order_relaxed))
      unlink_from_parent();
  }
  cancel_state(const cancel_state &) = delete;
  cancel_state &operator=(const cancel_state &) = delete;

  /// This state's flag, or an unlinked ancestor's (a linked one hears of
  /// its ancestors' cancellation eagerly). The walk up an unlinked chain is
  /// skipped while no cancel() happened anywhere since the last walk found
  /// the chain clear (`g_cancel_epoch`).
  bool stop_requested() const noexcept {
    if (stopped_.load(std::memory_order_acquire))
      return true;
    if (linked_.load(std::memory_order_acquire))
      return false;
    const std::uint64_t epoch =
        g_cancel_epoch.value.load(std::memory_order_acquire);
    if (clear_epoch_.load(std::memory_order_relaxed) == epoch)
      return false;
    return walk(epoch);
  }
  /// Idempotent; cancels every descendant and runs registered waiters.
  void cancel() noexcept;
  /// Unlinks from the parent so that this state may outlive it.
  void detach() noexcept;
  /// Registers `node` (linking this state's chain first); if this state is
  /// already cancelled, runs `node->on_cancel()` at once (and still
  /// registers it).
  void attach(cancel_node *node) noexcept;
  void detach(cancel_node *node) noexcept;
  cancel_state *parent() const noexcept { return parent_; }

  void on_cancel() noexcept override { cancel(); }

private:
  bool walk(std::uint64_t epoch) const noexcept {
    for (const cancel_state *s = parent_; s != nullptr; s = s->parent_) {
      if (s->stopped_.load(std::memory_order_acquire))
        return true;
      if (s->linked_.load(std::memory_order_acquire))
        break;
    }
    clear_epoch_.store(epoch, std::memory_order_relaxed);
    return false;
  }
  /// Puts this state (and its unlinked ancestors) into the parents' lists.
  void link() noexcept;
  void unlink_from_parent() noexcept;
  void link_locked(cancel_node *node) noexcept;
  void unlink_locked(cancel_node *node) noexcept;

  std::atomic<bool> stopped_{false};
  std::atomic<bool> linked_{false};
  cancel_state *parent_ = nullptr;
  std::atomic<int> chain_; // unlinked hops to a linked ancestor (a bound)
  // An epoch at which no ancestor up to a linked one was cancelled.
  mutable std::atomic<std::uint64_t> clear_epoch_{~std::uint64_t{0}};
  std::mutex mutex_;
  cancel_node *head_ = nullptr;
};

/// The cancel state of the task running on this thread (null outside tasks).
inline thread_local cancel_state *tls_ctx = nullptr;
inline cancel_state *current_ctx() noexcept { return tls_ctx; }
inline void set_current_ctx(cancel_state *ctx) noexcept { tls_ctx = ctx; }

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

#endif // KARA_CANCEL_HPP
