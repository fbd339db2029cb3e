// A Chase-Lev work-stealing deque (Chase & Lev 2005; the C11 formulation of
// Le, Pop, Cohen & Zappa Nardelli 2013). The owner pushes and pops at the
// bottom without a lock or a read-modify-write, except when taking the last
// element; thieves take the oldest element at the top with one CAS.
//
// The fences of the paper are expressed as sequentially consistent accesses
// to `top_` and `bottom_`, which ThreadSanitizer understands (it does not
// model stand-alone fences). On x86 that costs one locked instruction in
// pop(), which only runs on the parallel path.
//
// The ring grows by doubling; old rings are kept until the deque dies, since a
// thief may still read an element from one (tasks are never lost: the new
// ring holds copies of every live slot).
#ifndef KARA_SRC_DEQUE_HPP
#define KARA_SRC_DEQUE_HPP

#include <kara/detail/scheduler.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace kara::detail {

class ws_deque {
  struct ring {
    explicit ring(std::int64_t capacity)
        : mask(capacity - 1), slots(std::make_unique<std::atomic<task *>[]>(
                                  static_cast<std::size_t>(capacity))) {}
    std::int64_t capacity() const noexcept { return mask + 1; }
    std::atomic<task *> &at(std::int64_t i) const noexcept {
      return slots[static_cast<std::size_t>(i & mask)];
    }
    std::int64_t mask;
    std::unique_ptr<std::atomic<task *>[]> slots;
  };

public:
  ws_deque() {
    rings_.push_back(std::make_unique<ring>(256));
    ring_.store(rings_.back().get(), std::memory_order_relaxed);
  }
  ws_deque(const ws_deque &) = delete;
  ws_deque &operator=(const ws_deque &) = delete;

  /// Owner only.
  void push(task *t) noexcept {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed);
    const std::int64_t tp = top_.load(std::memory_order_acquire);
    ring *r = ring_.load(std::memory_order_relaxed);
    if (b - tp >= r->capacity())
      r = grow(r, tp, b);
    r->at(b).store(t, std::memory_order_relaxed);
    bottom_.store(b + 1, std::memory_order_release);
  }

  /// Owner only: the newest element, or null.
  task *pop() noexcept {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    ring *r = ring_.load(std::memory_order_relaxed);
    bottom_.store(b, std::memory_order_seq_cst);
    std::int64_t tp = top_.load(std::memory_order_seq_cst);
    if (tp > b) { // empty
      bottom_.store(b + 1, std::memory_order_relaxed);
      return nullptr;
    }
    task *x = r->at(b).load(std::memory_order_relaxed);
    if (tp == b) { // the last element: race the thieves for it
      if (!top_.compare_exchange_strong(tp, tp + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed))
        x = nullptr;
      bottom_.store(b + 1, std::memory_order_relaxed);
    }
    return x;
  }

  /// Owner only: pops `t` if it is the newest element.
  bool pop_if(task *t) noexcept {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    if (b < top_.load(std::memory_order_relaxed))
      return false;
    // Only thieves run concurrently, and they only take from the top: if the
    // newest element is `t` now, pop() returns `t` or nothing.
    if (ring_.load(std::memory_order_relaxed)
            ->at(b)
            .load(std::memory_order_relaxed) != t)
      return false;
    return pop() == t;
  }

  /// Any thread: the oldest element, or null (empty, or lost a race).
  task *steal() noexcept {
    std::int64_t tp = top_.load(std::memory_order_seq_cst);
    const std::int64_t b = bottom_.load(std::memory_order_seq_cst);
    if (tp >= b)
      return nullptr;
    ring *r = ring_.load(std::memory_order_acquire);
    task *x = r->at(tp).load(std::memory_order_relaxed);
    if (!top_.compare_exchange_strong(tp, tp + 1, std::memory_order_seq_cst,
                                      std::memory_order_relaxed))
      return nullptr;
    return x;
  }

  /// Emptiness: relaxed, a racy hint for the owner and for thieves choosing a
  /// victim; sequentially consistent for the sleep handshake.
  bool empty(std::memory_order order) const noexcept {
    return bottom_.load(order) <= top_.load(order);
  }
  bool empty_hint() const noexcept { return empty(std::memory_order_relaxed); }

private:
  ring *grow(ring *old, std::int64_t tp, std::int64_t b) {
    auto bigger = std::make_unique<ring>(old->capacity() * 2);
    for (std::int64_t i = tp; i < b; ++i)
      bigger->at(i).store(old->at(i).load(std::memory_order_relaxed),
                          std::memory_order_relaxed);
    ring *r = bigger.get();
    rings_.push_back(std::move(bigger)); // owner only
    ring_.store(r, std::memory_order_release);
    return r;
  }

  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  std::atomic<ring *> ring_{nullptr};
  std::vector<std::unique_ptr<ring>> rings_; // owner only; freed with the deque
};

} // namespace kara::detail

#endif // KARA_SRC_DEQUE_HPP
