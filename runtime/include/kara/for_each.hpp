// Parallel loops: kara::for_each, kara::for_each_index, kara::reduce_index,
// kara::reduce (SPEC §5; the loops kara-parallelize rewrites onto).
//
// Lazy binary splitting on the fork-join machinery of `par`: a loop runs as
// one piece that walks its indices in blocks; between blocks it reads the
// idle-worker counter (one relaxed load). If nobody is idle it simply goes
// on, so a loop nobody helps with costs about the plain loop. If a worker is
// idle and this worker has nothing queued, the piece splits what remains in
// halves: the upper half becomes a stealable task, the lower half continues
// here, and the two are joined (the joiner pops back an unstolen half).
//
// Failures are ordered by index: a failing iteration cancels only the pieces
// above it, so everything below the lowest failure still runs, and the
// exception of the lowest failing index is the one rethrown: the one a
// sequential loop would have thrown.
#ifndef KARA_FOR_EACH_HPP
#define KARA_FOR_EACH_HPP

#include "cancel.hpp"
#include "detail/config.hpp"
#include "detail/scheduler.hpp"
#include "par.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

namespace kara {

/// A fixed block size for the parallel loops: indices are taken in blocks of
/// `n` consecutive indices, `[first + k*n, first + (k+1)*n)`, a block always
/// runs whole on one thread, in order, and idle workers and cancellation are
/// looked at only between blocks. `grain{0}` means `grain{1}`. Without a
/// grain the loops size their blocks automatically (see `for_each_index`).
/// Example: `kara::for_each_index(0, n, kara::grain{256}, body);`
struct grain {
  constexpr explicit grain(std::size_t size) noexcept
      : n(size == 0 ? 1 : size) {}
  std::size_t n;
};

namespace detail {

/// A cheap, monotonic tick count for sizing automatic blocks: the time-stamp
/// counter on x86 (~20 cycles, no system call), else the steady clock (ns).
inline std::uint64_t loop_ticks() noexcept {
#if (defined(__x86_64__) || defined(__i386__)) &&                              \
    (defined(__GNUC__) || defined(__clang__))
  return __builtin_ia32_rdtsc();
#else
  return static_cast<std::uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

/// An automatic block lasts between this many and twice as many ticks (about
/// 1-4 us): long enough that the checks between blocks are lost in the noise,
/// short enough that an idle worker waits no longer than a steal costs.
constexpr std::uint64_t loop_block_ticks = 4096;
constexpr std::size_t loop_max_block = std::size_t{1} << 24;

/// What went wrong in a loop, by index: the lowest index whose iteration
/// threw, with its exception, and the lowest index skipped because the loop
/// was cancelled. Written rarely (under a lock), read after every piece is
/// joined.
class loop_outcome {
public:
  void fail(std::size_t at, std::exception_ptr error) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (at < error_at_) {
      error_at_ = at;
      error_ = std::move(error);
    }
    troubled_.store(true, std::memory_order_relaxed);
  }
  void skip(std::size_t at) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (at < skip_at_)
      skip_at_ = at;
    troubled_.store(true, std::memory_order_relaxed);
  }
  bool troubled() const noexcept {
    return troubled_.load(std::memory_order_relaxed);
  }
  /// After every piece is joined: throws what the lowest unsuccessful index
  /// gives, its exception or `kara::cancelled` if it was skipped.
  void rethrow() const {
    if (!troubled())
      return;
    if (error_ && error_at_ < skip_at_)
      std::rethrow_exception(error_);
    throw cancelled();
  }

private:
  static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  std::mutex mutex_;
  std::size_t error_at_ = none;
  std::size_t skip_at_ = none;
  std::exception_ptr error_;
  std::atomic<bool> troubled_{false};
};

/// for_each: calls `f` on each position; pieces carry nothing. A block walks
/// a cursor (the index in its own type, or the iterator) rather than
/// converting each offset: the compiler then sees a plain induction variable
/// and vectorizes as it does the plain loop.
template <class Cursor, class F> struct each_policy {
  struct value {};
  Cursor cursor;
  const F *f;
  void seed(value &, std::size_t k) const { (*f)(*cursor.at(k)); }
  void block(value &, std::size_t &cur, std::size_t end) const {
    for (auto p = cursor.at(cur); cur < end; ++cur, ++p)
      (*f)(*p);
  }
  void combine(value &, value &) const {}
};

/// reduce: a piece folds `f(x)` into its accumulator with `op`, left to
/// right; a piece that starts at a split seeds it with its first element, so
/// no identity element is needed. The accumulator is a local in the block
/// loop so that it can stay in a register.
template <class T, class Op, class Cursor, class F> struct reduce_policy {
  using value = std::optional<T>;
  Cursor cursor;
  const Op *op;
  const F *f;
  void seed(value &v, std::size_t k) const { v.emplace((*f)(*cursor.at(k))); }
  void block(value &v, std::size_t &cur, std::size_t end) const {
    T acc = std::move(*v);
    for (auto p = cursor.at(cur); cur < end; ++cur, ++p)
      acc = (*op)(std::move(acc), (*f)(*p));
    *v = std::move(acc);
  }
  void combine(value &left, value &right) const {
    if (left && right)
      *left = (*op)(std::move(*left), std::move(*right));
  }
};

/// One parallel loop over the offsets [0, n).
template <class Policy> class loop {
  using value = typename Policy::value;

  /// The upper half of a split: a task on the splitter's stack (the splitter
  /// joins it). `parent` is the chain of splits whose lower half contains
  /// this one, i.e. the pieces above this one's range.
  struct frame : task {
    frame(loop *owner, frame *up, cancel_state *ctx, std::size_t from,
          std::size_t to, std::size_t block_size) noexcept
        : self(owner), parent(up), cs(ctx), lo(from), hi(to), blk(block_size) {
      run = &run_upper;
      name = "for_each.piece";
    }
    static void run_upper(task *t) noexcept {
      frame &f = *static_cast<frame *>(t);
      {
        ctx_guard guard(&f.cs);
        f.self->run_piece(f.lo, f.hi, f.v, false, &f.cs, f.parent, f.blk);
      }
      f.done.arrive(); // f may be gone after this
    }
    loop *self;
    frame *parent;
    cancel_state cs; // cancelled by failures below this range, or from above
    std::size_t lo, hi, blk;
    value v{};
    completion done{1};
  };

public:
  loop(const Policy &policy, std::size_t fixed_block) noexcept
      : policy_(policy), fixed_(fixed_block) {}

  /// Runs the whole loop from the caller's thread and throws what it gives.
  void run(std::size_t n, value &v) {
    if (n == 0)
      return;
    run_piece(0, n, v, true, current_ctx(), nullptr, fixed_ != 0 ? fixed_ : 1);
    outcome_.rethrow();
  }

private:
  /// Runs [cur, hi) in blocks; `seeded` false means the first index seeds
  /// `v`. `stop` is the cancel state this piece runs under, `chain` the
  /// splits above it (cancelled if this piece fails).
  void run_piece(std::size_t cur, std::size_t hi, value &v, bool seeded,
                 cancel_state *stop, frame *chain, std::size_t blk) noexcept {
    if (stop != nullptr && stop->stop_requested()) {
      outcome_.skip(cur);
      return;
    }
    try {
      std::size_t start = cur; // of the block; blocks count the seed
      if (!seeded) {
        policy_.seed(v, cur);
        ++cur;
      }
      std::uint64_t last = fixed_ == 0 ? loop_ticks() : 0;
      for (;; start = cur) {
        // Automatic blocks are powers of two that end at multiples of their
        // size: blocks then start where the plain loop's vector iterations
        // would, instead of splitting vectors across cache lines.
        const std::size_t next =
            fixed_ != 0 ? start + blk : (start & ~(blk - 1)) + blk;
        const std::size_t end = hi - start > next - start ? next : hi;
        policy_.block(v, cur, end);
        if (cur == hi)
          return;
        if (fixed_ == 0)
          adapt(blk, last);
        if (stop != nullptr && stop->stop_requested()) {
          outcome_.skip(cur);
          return;
        }
        if (KARA_UNLIKELY(g_idle.value.load(std::memory_order_relaxed) != 0) &&
            hi - cur >= 2 * (fixed_ != 0 ? fixed_ : 1) &&
            split(cur, hi, v, stop, chain, blk))
          return;
      }
    } catch (...) {
      fail(cur, chain);
    }
  }

  /// Grows an automatic block while it is shorter than loop_block_ticks (8x
  /// while far shorter, so that cheap bodies reach long blocks in a few
  /// steps). Blocks never shrink: a block that looked long may have been
  /// preempted, or timed across two cores whose counters differ, and
  /// shrinking on such noise made cheap loops 3-7x slower.
  static void adapt(std::size_t &blk, std::uint64_t &last) noexcept {
    const std::uint64_t now = loop_ticks();
    const std::uint64_t took = now - last;
    last = now;
    if (took < loop_block_ticks && blk < loop_max_block)
      blk *= took < loop_block_ticks / 8 ? 8 : 2;
  }

  void fail(std::size_t at, frame *chain) noexcept {
    outcome_.fail(at, std::current_exception());
    // Everything above `at` is now useless: cancel it at once instead of
    // letting each enclosing split cancel its upper half when unwinding.
    for (frame *f = chain; f != nullptr; f = f->parent)
      f->cs.cancel();
  }

  /// Offers the upper half of [cur, hi) to an idle worker and runs the lower
  /// half here; false if this worker already has work queued (lazy
  /// splitting: one outstanding offer per worker).
  KARA_NOINLINE bool split(std::size_t cur, std::size_t hi, value &v,
                           cancel_state *stop, frame *chain,
                           std::size_t blk) noexcept {
    if (!on_worker()) {
      // main or a blocking thread: hand the rest to the pool and park, like
      // a parallel `par` (the pool has as many workers as cores).
      auto rest = [&] { run_piece(cur, hi, v, true, stop, chain, blk); };
      run_on_pool(rest);
      return true;
    }
    if (!should_offer())
      return false;
    std::size_t mid = cur + (hi - cur) / 2;
    if (fixed_ != 0) // keep blocks at multiples of the grain from `first`
      mid = cur + (hi - cur) / fixed_ / 2 * fixed_;
    frame upper(this, chain, stop, mid, hi, blk);
    const bool pushed = push(&upper);
    run_piece(cur, mid, v, true, stop, &upper, blk);
    if (!pushed || pop_if(&upper))
      execute(&upper);
    wait(upper.done);
    if (!outcome_.troubled()) {
      try {
        policy_.combine(v, upper.v);
      } catch (...) {
        fail(mid, chain);
      }
    }
    return true;
  }

  Policy policy_;
  std::size_t fixed_; // 0: automatic blocks
  loop_outcome outcome_;
};

template <class Policy>
void run_loop(const Policy &policy, std::size_t n, std::size_t fixed,
              typename Policy::value &v) {
  loop<Policy> l(policy, fixed);
  l.run(n, v);
}

template <class I> constexpr void check_index_type() {
  static_assert(std::is_integral_v<I> && !std::is_same_v<I, bool>,
                "kara::for_each_index/reduce_index: the index must be an "
                "integer type (cast `first` and `last` to one type)");
  static_assert(sizeof(I) <= sizeof(std::size_t),
                "kara::for_each_index/reduce_index: index wider than size_t");
}

/// Number of indices in [first, last) (0 if last <= first), and the index
/// at an offset, computed in the unsigned type so that no range overflows.
template <class I> std::size_t index_count(I first, I last) noexcept {
  using U = std::make_unsigned_t<I>;
  // The outer cast undoes the promotion of narrow types to int.
  return last > first ? static_cast<std::size_t>(static_cast<U>(
                            static_cast<U>(last) - static_cast<U>(first)))
                      : 0;
}
template <class I> I index_at(I first, std::size_t k) noexcept {
  using U = std::make_unsigned_t<I>;
  return static_cast<I>(static_cast<U>(first) + static_cast<U>(k));
}

/// Positions of an integer loop: `at(k)` is `first + k`, stepped in `I`
/// (never past `last`, so never overflowing).
template <class I> struct index_cursor {
  struct pos {
    I i;
    I operator*() const noexcept { return i; }
    void operator++() noexcept { ++i; }
  };
  I first;
  pos at(std::size_t k) const noexcept { return {index_at(first, k)}; }
};

/// Positions of a random-access range: `at(k)` is `first + k`.
template <class It> struct range_cursor {
  It first;
  It at(std::size_t k) const {
    using diff = typename std::iterator_traits<It>::difference_type;
    return first + static_cast<diff>(k);
  }
};

template <class Range> auto range_begin(Range &r) {
  using std::begin;
  return begin(r);
}
template <class Range> auto range_end(Range &r) {
  using std::end;
  return end(r);
}
template <class Range> constexpr void check_random_access() {
  using It = decltype(range_begin(std::declval<Range &>()));
#if defined(__cpp_lib_concepts)
  static_assert(std::random_access_iterator<It>,
                "kara::for_each/reduce need a random-access range");
#else
  static_assert(
      std::is_base_of_v<std::random_access_iterator_tag,
                        typename std::iterator_traits<It>::iterator_category>,
      "kara::for_each/reduce need a random-access range");
#endif
}

template <class I, class F>
void for_each_index_impl(I first, I last, std::size_t fixed, const F &f) {
  check_index_type<I>();
  static_assert(std::is_invocable_v<const F &, I>,
                "kara::for_each_index: f must be callable as a const lvalue "
                "with an index (a `mutable` lambda would share its state "
                "between concurrent iterations)");
  each_policy<index_cursor<I>, F> policy{{first}, &f};
  typename decltype(policy)::value v;
  run_loop(policy, index_count(first, last), fixed, v);
}

template <class Range, class F>
void for_each_impl(Range &r, std::size_t fixed, const F &f) {
  check_random_access<Range>();
  auto it = range_begin(r);
  const auto size = range_end(r) - it;
  using diff = decltype(size);
  static_assert(std::is_invocable_v<const F &, decltype(it[diff{}])>,
                "kara::for_each: f must be callable as a const lvalue with an "
                "element (a `mutable` lambda would share its state between "
                "concurrent iterations)");
  each_policy<range_cursor<decltype(it)>, F> policy{{it}, &f};
  typename decltype(policy)::value v;
  run_loop(policy, size > 0 ? static_cast<std::size_t>(size) : 0, fixed, v);
}

template <class T, class Op, class Cursor, class F>
T reduce_impl(std::size_t n, std::size_t fixed, T init, const Op &op,
              Cursor cursor, const F &f) {
  reduce_policy<T, Op, Cursor, F> policy{cursor, &op, &f};
  std::optional<T> v(std::move(init));
  run_loop(policy, n, fixed, v);
  return std::move(*v);
}

template <class I, class T, class Op, class F>
T reduce_index_impl(I first, I last, std::size_t fixed, T init, const Op &op,
                    const F &f) {
  check_index_type<I>();
  return reduce_impl<T>(index_count(first, last), fixed, std::move(init), op,
                        index_cursor<I>{first}, f);
}

template <class Range, class T, class Op, class F>
T reduce_range_impl(Range &r, std::size_t fixed, T init, const Op &op,
                    const F &f) {
  check_random_access<Range>();
  auto it = range_begin(r);
  const auto size = range_end(r) - it;
  return reduce_impl<T>(size > 0 ? static_cast<std::size_t>(size) : 0, fixed,
                        std::move(init), op, range_cursor<decltype(it)>{it}, f);
}

} // namespace detail

/// Calls `f(i)` for every integer `i` in [first, last) (nothing if
/// `last <= first`); iterations may run concurrently, in any order, on pool
/// workers and the calling thread. Returns when all are done.
///
///     kara::for_each_index(0, height, [&](int y) { render_row(image, y); });
///
/// Exceptions: if iterations throw, the exception of the lowest index that
/// threw is rethrown after every iteration started has finished, and every
/// index below it ran to completion (what the sequential loop would have
/// thrown, with at least the work it would have done). Indices above it may
/// or may not have run: a failure at `i` cancels the rest of the loop above
/// `i` cooperatively (`kara::this_task::stop_requested()` turns true in the
/// iterations above `i` that are running, and no further block above `i`
/// starts), never below. If the loop is cancelled from outside (an enclosing
/// par, scope or task), no further block starts, and `kara::cancelled` is
/// thrown unless a lower index threw first; a loop started in an already
/// cancelled task runs nothing. Cancellation cascades into nested loops,
/// `par` and scopes inside `f`.
///
/// Thread safety: callable from any thread, also from inside `f` of another
/// loop or a `par` branch. `f` is shared by all iterations and called as a
/// const lvalue (a `mutable` lambda does not compile); iterations must not
/// race with each other (kara-tidy's kara-par-conflict checks it).
///
/// Cost: between blocks one relaxed atomic load and a time-stamp read; no
/// allocation, no atomic read-modify-write while no worker is idle, so a
/// loop that nobody helps with costs about the plain loop (measured 0.96-1.05x,
/// docs/runtime.md). Blocks size themselves: one index at first, growing
/// (aligned powers of two) until a block takes about 1-4 us, so an idle
/// worker waits about a block plus a steal (a few us) before it gets half
/// of what remains. Blocks do not shrink again within a piece: if later
/// iterations are much heavier than the first ones, an idle worker waits
/// longer (use `kara::grain`). A split costs about a parallel `par` (~100-300
/// ns plus a cancel state). From a thread that is not a pool worker (main), the
/// remaining indices are handed to the pool at the first block that sees
/// an idle worker, and the caller parks until they are done.
template <class I, class F> void for_each_index(I first, I last, F f) {
  detail::for_each_index_impl(first, last, 0, f);
}

/// `for_each_index` with fixed blocks of `g.n` indices (see `kara::grain`):
/// for iterations so cheap that even the automatic blocks' bookkeeping
/// matters, or when blocks must stay aligned.
/// Example: `kara::for_each_index(0, n, kara::grain{1024}, body);`
template <class I, class F> void for_each_index(I first, I last, grain g, F f) {
  detail::for_each_index_impl(first, last, g.n, f);
}

/// Calls `f(x)` with a reference to every element `x` of the random-access
/// range `r` (a vector, array, span, string, deque, ...); iterations may run
/// concurrently. Element `k` is `begin(r)[k]`; the range must not change size
/// while the loop runs. Exceptions, cancellation, thread safety and cost as
/// `for_each_index` over the positions 0..size-1.
///
///     kara::for_each(pixels, [&](Pixel &p) { p = shade(p, scene); });
template <class Range, class F> void for_each(Range &&r, F f) {
  detail::for_each_impl(r, 0, f);
}

/// `for_each` with fixed blocks of `g.n` elements (see `kara::grain`).
template <class Range, class F> void for_each(Range &&r, grain g, F f) {
  detail::for_each_impl(r, g.n, f);
}

/// Computes `op(...op(op(init, f(first)), f(first + 1))..., f(last - 1))`
/// (`init` if the range is empty), evaluating `f(i)` concurrently.
///
///     long total = kara::reduce_index(0, n, 0L, std::plus<>(),
///                                     [&](int i) { return cost(items[i]); });
///
/// Combination order: partial results are always combined in index order,
/// `op(lower, upper)`, never swapped, so `op` needs to be associative but
/// not commutative, and needs no identity (`init` is used exactly once, as
/// the leftmost operand). Which partial results are formed depends on how
/// the loop was split, which depends on timing: for integer `+`, `*`, `min`,
/// `max`, `&`, `|`, `^` (exactly associative) the result equals the
/// sequential fold. Floating-point `+` and `*` are not associative: the
/// result may differ from the sequential one in the last bits, and from run
/// to run (use a sequential loop, or reduce integers, when bits matter).
///
/// `T` is the type of `init`; `f(i)` must convert to `T`, `op(T, T)` must
/// return something assignable to `T`; `T` must be move-constructible and
/// move-assignable. Exceptions (also from `op`), cancellation, thread safety
/// and cost as `for_each_index`; `f` and `op` are called as const lvalues.
template <class I, class T, class Op, class F>
T reduce_index(I first, I last, T init, Op op, F f) {
  return detail::reduce_index_impl(first, last, 0, std::move(init), op, f);
}

/// `reduce_index` with fixed blocks of `g.n` indices (see `kara::grain`).
template <class I, class T, class Op, class F>
T reduce_index(I first, I last, grain g, T init, Op op, F f) {
  return detail::reduce_index_impl(first, last, g.n, std::move(init), op, f);
}

/// `reduce_index` over the elements of a random-access range:
/// `op(...op(init, f(r[0]))..., f(r[size - 1]))`, same rules.
/// Example: `auto hits = kara::reduce(rays, 0L, std::plus<>(),
///                                    [&](const Ray &r) { return trace(r); });`
template <class Range, class T, class Op, class F>
T reduce(Range &&r, T init, Op op, F f) {
  return detail::reduce_range_impl(r, 0, std::move(init), op, f);
}

/// `reduce` with fixed blocks of `g.n` elements (see `kara::grain`).
template <class Range, class T, class Op, class F>
T reduce(Range &&r, grain g, T init, Op op, F f) {
  return detail::reduce_range_impl(r, g.n, std::move(init), op, f);
}

} // namespace kara

#endif // KARA_FOR_EACH_HPP
