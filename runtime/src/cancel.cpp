#include "internal.hpp"

namespace kara {
namespace detail {

namespace {
thread_local cancel_state *tls_ctx = nullptr;
}

cancel_state *current_ctx() noexcept { return tls_ctx; }
void set_current_ctx(cancel_state *ctx) noexcept { tls_ctx = ctx; }

cancel_state::cancel_state(cancel_state *parent) noexcept : parent_(parent) {
  if (parent_ == nullptr)
    return;
  std::lock_guard<std::mutex> lock(parent_->mutex_);
  // Checked under the parent's lock: a concurrent cancel() either sees this
  // node in the list or we see its flag.
  if (parent_->stopped_.load(std::memory_order_relaxed))
    stopped_.store(true, std::memory_order_relaxed);
  parent_->link_locked(this);
}

cancel_state::~cancel_state() { detach(); }

void cancel_state::detach() noexcept {
  if (parent_ == nullptr)
    return;
  std::lock_guard<std::mutex> lock(parent_->mutex_);
  parent_->unlink_locked(this);
  parent_ = nullptr;
}

void cancel_state::cancel() noexcept {
  if (stopped_.exchange(true, std::memory_order_acq_rel))
    return;
  // Children cannot unlink (and be destroyed) while we hold the lock.
  std::lock_guard<std::mutex> lock(mutex_);
  for (cancel_node *n = head_; n != nullptr; n = n->next_)
    n->on_cancel();
}

void cancel_state::attach(cancel_node *node) noexcept {
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
  detail::cancel_state *ctx = detail::tls_ctx;
  return ctx != nullptr && ctx->stop_requested();
}

void checkpoint() {
  if (stop_requested())
    throw cancelled();
}

} // namespace this_task
} // namespace kara
