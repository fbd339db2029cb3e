// A Chase-Lev work-stealing deque (Chase & Lev 2005; the C11 formulation of
// Le, Pop, Cohen & Zappa Nardelli 2013) with a private part at the bottom, as
// in the split deques of Lace (van Dijk & van de Pol 2014).
//
// Indices: [top, split) is shared: thieves take its oldest element with one
// CAS on `top`, and `split` plays the role of Chase-Lev's bottom for them.
// [split, bottom) is private: only the owner touches it, so pushing there
// and popping from there are plain loads and stores (no fence, no RMW).
// `publish()` makes the private part shared (split = bottom); the owner does
// it when a worker is idle, before it blocks, and in `eager` mode on every
// push. Another thread (the pool's monitor, when the owner is blocked in the
// OS or others are idle) can publish on the owner's behalf with
// `claim_begin` + an asymmetric barrier + `claim_end`:
//
//   owner pop:  bottom = b - 1; compiler barrier; read `claim`, `split`
//   claimer:    claim = 1; membarrier(PRIVATE_EXPEDITED); read bottom;
//               split = bottom; claim = 0
//
// The membarrier runs a full barrier on every CPU running this process, so
// either the owner's pop sees the claim (and waits for it in the slow path),
// or the claimer sees the decremented bottom (and leaves that element
// private). The owner writes `split` only while holding `claim` (value 2),
// so split's two writers never race.
//
// The shared part keeps the fences of the paper, expressed as sequentially
// consistent accesses to `top_` and `split_`, which ThreadSanitizer
// understands (it does not model fences). ThreadSanitizer does not model
// membarrier either, so sanitizer builds use eager mode (docs/runtime.md).
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

  /// Owner only. In eager mode every push is shared at once; otherwise it
  /// stays private until `publish()` (or a claim).
  void push(task *t, bool eager) noexcept {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed);
    const std::int64_t tp = top_.load(std::memory_order_acquire);
    ring *r = ring_.load(std::memory_order_relaxed);
    if (b - tp >= r->capacity())
      r = grow(r, tp, b);
    r->at(b).store(t, std::memory_order_relaxed);
    bottom_.store(b + 1, std::memory_order_release);
    if (eager)
      split_.store(b + 1, std::memory_order_release);
  }

  /// Owner only: makes every private element stealable.
  void publish() noexcept {
    if (split_.load(std::memory_order_relaxed) ==
        bottom_.load(std::memory_order_relaxed))
      return;
    lock_claim();
    split_.store(bottom_.load(std::memory_order_relaxed),
                 std::memory_order_release);
    claim_.store(0, std::memory_order_release);
  }

  /// Owner only: the newest element, or null. Private elements: plain
  /// accesses; the shared part: Chase-Lev's pop.
  task *pop() noexcept {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    bottom_.store(b, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst); // see the claim
    // Acquire (a plain load on x86): a finished claim's 0 brings its split.
    if (KARA_LIKELY(claim_.load(std::memory_order_acquire) == 0) &&
        b >= split_.load(std::memory_order_relaxed))
      return ring_.load(std::memory_order_relaxed)
          ->at(b)
          .load(std::memory_order_relaxed);
    return pop_slow(b);
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

  /// Any thread: the oldest shared element, or null (none, or lost a race).
  task *steal() noexcept {
    std::int64_t tp = top_.load(std::memory_order_seq_cst);
    const std::int64_t s = split_.load(std::memory_order_seq_cst);
    if (tp >= s)
      return nullptr;
    ring *r = ring_.load(std::memory_order_acquire);
    task *x = r->at(tp).load(std::memory_order_relaxed);
    if (!top_.compare_exchange_strong(tp, tp + 1, std::memory_order_seq_cst,
                                      std::memory_order_relaxed))
      return nullptr;
    return x;
  }

  /// Whether the shared part is empty: relaxed, a racy hint for thieves
  /// choosing a victim; sequentially consistent for the sleep handshake.
  bool empty(std::memory_order order) const noexcept {
    return split_.load(order) <= top_.load(order);
  }
  bool empty_hint() const noexcept { return empty(std::memory_order_relaxed); }
  /// Owner only: nothing queued at all, private or shared.
  bool owner_empty() const noexcept {
    return bottom_.load(std::memory_order_relaxed) <=
           top_.load(std::memory_order_relaxed);
  }
  /// Any thread, racy: whether the owner holds private elements.
  bool has_private_hint() const noexcept {
    return bottom_.load(std::memory_order_relaxed) >
           split_.load(std::memory_order_relaxed);
  }

  /// Another thread: starts a claim (false if the owner or another claimer
  /// holds it). The caller then runs an asymmetric barrier (membarrier) and
  /// calls claim_end(), which publishes what the owner had private.
  bool claim_begin() noexcept {
    int expected = 0;
    return claim_.compare_exchange_strong(expected, 1,
                                          std::memory_order_acq_rel);
  }
  /// `fenced`: the barrier ran; without it nothing may be published.
  void claim_end(bool fenced) noexcept {
    const std::int64_t b = bottom_.load(std::memory_order_acquire);
    if (fenced && b > split_.load(std::memory_order_relaxed))
      split_.store(b, std::memory_order_release);
    claim_.store(0, std::memory_order_release);
  }

private:
  void lock_claim() noexcept {
    int expected = 0;
    while (
        !claim_.compare_exchange_weak(expected, 2, std::memory_order_acquire)) {
      expected = 0; // a claimer is between its barrier and claim_end: short
    }
  }

  task *pop_slow(std::int64_t b) noexcept {
    ring *r = ring_.load(std::memory_order_relaxed);
    lock_claim();
    task *x = nullptr;
    if (b >= split_.load(std::memory_order_relaxed)) {
      x = r->at(b).load(std::memory_order_relaxed); // still private
    } else {
      // The private part is empty (bottom == split): Chase-Lev's pop, with
      // split as the thieves' bottom.
      split_.store(b, std::memory_order_seq_cst);
      std::int64_t tp = top_.load(std::memory_order_seq_cst);
      if (tp > b) { // empty
        split_.store(b + 1, std::memory_order_relaxed);
        bottom_.store(b + 1, std::memory_order_relaxed);
      } else {
        x = r->at(b).load(std::memory_order_relaxed);
        if (tp == b) { // the last element: race the thieves for it
          if (!top_.compare_exchange_strong(tp, tp + 1,
                                            std::memory_order_seq_cst,
                                            std::memory_order_relaxed))
            x = nullptr;
          split_.store(b + 1, std::memory_order_relaxed);
          bottom_.store(b + 1, std::memory_order_relaxed);
        }
      }
    }
    claim_.store(0, std::memory_order_release);
    return x;
  }

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
  alignas(64) std::atomic<std::int64_t> split_{0}; // thieves' bottom
  // The owner's line: claimers write `claim_` only on their rare claims.
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  std::atomic<int> claim_{0}; // 0 free, 1 a claimer, 2 the owner
  std::atomic<ring *> ring_{nullptr};
  std::vector<std::unique_ptr<ring>> rings_; // owner only; freed with the deque
};

} // namespace kara::detail

#endif // KARA_SRC_DEQUE_HPP
