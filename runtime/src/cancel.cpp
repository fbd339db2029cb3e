#include "internal.hpp"

namespace kara {
namespace detail {

void cancel_state::unlink_from_parent() noexcept {
  std::lock_guard<std::mutex> lock(parent_->mutex_);
  parent_->unlink_locked(this);
}

void cancel_state::link() noexcept {
  if (linked_.load(std::memory_order_acquire))
    return;
  parent_->link(); // linked implies the parent is linked
  std::lock_guard<std::mutex> lock(parent_->mutex_);
  if (linked_.load(std::memory_order_relaxed))
    return; // another thread linked it meanwhile
  // Checked under the parent's lock: a concurrent cancel() either sees this
  // node in the list or we see its flag. Unlinked, this state has no linked
  // children to pass the flag on to.
  if (parent_->stopped_.load(std::memory_order_relaxed))
    stopped_.store(true, std::memory_order_release);
  parent_->link_locked(this);
  chain_.store(0, std::memory_order_relaxed);
  linked_.store(true, std::memory_order_release);
}

void cancel_state::detach() noexcept {
  if (parent_ == nullptr)
    return;
  if (linked_.load(std::memory_order_acquire)) {
    unlink_from_parent();
  } else if (parent_->stop_requested()) {
    // Keep what the chain said: after this the ancestors are out of reach.
    stopped_.store(true, std::memory_order_release);
  }
  parent_ = nullptr;
  linked_.store(true, std::memory_order_release); // a root now
}

void cancel_state::cancel() noexcept {
  if (stopped_.exchange(true, std::memory_order_acq_rel))
    return;
  g_cancel_epoch.value.fetch_add(1, std::memory_order_acq_rel);
  // Children cannot unlink (and be destroyed) while we hold the lock.
  std::lock_guard<std::mutex> lock(mutex_);
  for (cancel_node *n = head_; n != nullptr; n = n->next_)
    n->on_cancel();
}

void cancel_state::attach(cancel_node *node) noexcept {
  link();
  std::lock_guard<std::mutex> lock(mutex_);
  link_locked(node);
  if (stopped_.load(std::memory_order_relaxed))
    node->on_cancel();
}

void cancel_state::detach(cancel_node *node) noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  unlink_locked(node);
}

void cancel_state::link_locked(cancel_node *node) noexcept {
  node->prev_ = nullptr;
  node->next_ = head_;
  if (head_ != nullptr)
    head_->prev_ = node;
  head_ = node;
}

void cancel_state::unlink_locked(cancel_node *node) noexcept {
  if (node->prev_ != nullptr)
    node->prev_->next_ = node->next_;
  else if (head_ == node)
    head_ = node->next_;
  if (node->next_ != nullptr)
    node->next_->prev_ = node->prev_;
  node->prev_ = node->next_ = nullptr;
}

} // namespace detail

namespace this_task {

bool stop_requested() noexcept {
  detail::cancel_state *ctx = detail::current_ctx();
  return ctx != nullptr && ctx->stop_requested();
}

void checkpoint() {
  if (stop_requested())
    throw cancelled();
}

} // namespace this_task
} // namespace kara
