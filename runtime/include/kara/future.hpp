// kara::future / kara::promise / kara::result: one value produced by one
// party and consumed by another (SPEC §8). See docs/actors.md.
#ifndef KARA_FUTURE_HPP
#define KARA_FUTURE_HPP

#include "detail/result.hpp"
#include "detail/wait.hpp"
#include "handle.hpp"
#include "sendable.hpp"

#include <atomic>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace kara {

/// What a future holds when its promise was destroyed without a value.
class broken_promise : public std::exception {
public:
  const char *what() const noexcept override { return "kara::broken_promise"; }
};

template <class T> class future;
template <class T> class promise;

namespace detail {

/// Orders completions so that select / as_completed can yield futures in
/// the order they completed even when several are ready at once.
inline std::atomic<std::uint64_t> future_completions{0};

template <class T> class future_state {
public:
  void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      delete this;
  }
  bool ready() const noexcept { return ready_.load(std::memory_order_acquire); }

  /// Completes the state with `fill()` (which stores a value) or with the
  /// exception it throws. False if already completed.
  template <class F> bool complete(F &&fill) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ready_.load(std::memory_order_relaxed))
      return false;
    try {
      value_.set_from(fill);
    } catch (...) {
      error_ = std::current_exception();
    }
    seq_ = future_completions.fetch_add(1, std::memory_order_relaxed);
    ready_.store(true, std::memory_order_release);
    waiters_.notify_all();
    return true;
  }
  bool fail(std::exception_ptr e) noexcept {
    return complete([&]() -> T { std::rethrow_exception(e); });
  }

  /// Waits until ready or until `*deadline`. Throws kara::cancelled if the
  /// waiting task is cancelled first. A waiting worker runs other tasks.
  bool wait(const clock::time_point *deadline) {
    if (ready())
      return true;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!ready_.load(std::memory_order_relaxed)) {
      wake r = wait_in(lock, waiters_, deadline, wait_mode::help);
      if (ready_.load(std::memory_order_relaxed))
        return true;
      if (r == wake::cancelled)
        throw cancelled();
      if (r == wake::timed_out)
        return false;
    }
    return true;
  }
  /// After `ready()`: the value, or rethrows the exception.
  T take() {
    if (error_)
      std::rethrow_exception(error_);
    return value_.take();
  }
  std::exception_ptr error() const noexcept { return error_; }
  /// After `ready()`: the rank of this completion among all futures'.
  std::uint64_t completion_rank() const noexcept { return seq_; }

  // select: link an outside waiter; false (not linked) if already ready.
  bool link(wait_link *l) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ready_.load(std::memory_order_relaxed))
      return false;
    waiters_.push(l);
    return true;
  }
  void unlink(wait_link *l) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (l->linked)
      waiters_.erase(l);
  }

private:
  std::atomic<int> refs_{1}; // the promise's; get_future adds the future's
  std::atomic<bool> ready_{false};
  std::mutex mutex_;
  wait_queue waiters_;
  slot<T> value_;
  std::exception_ptr error_;
  std::uint64_t seq_ = 0;
};

} // namespace detail

/// The eventual result of work done elsewhere (an actor's `ask`, a promise).
/// Move-only, one consumer: `get()` takes the value. Thread-safe between the
/// producer and the one consumer. Sendable if `T` is.
template <class T> class future {
  static_assert(!std::is_reference_v<T>,
                "kara::future<T>: T must be a value type (a reference into "
                "another task's state would escape it)");

public:
  future() noexcept = default;
  future(future &&o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  future &operator=(future &&o) noexcept {
    if (this != &o) {
      reset();
      s_ = std::exchange(o.s_, nullptr);
    }
    return *this;
  }
  future(const future &) = delete;
  future &operator=(const future &) = delete;
  ~future() { reset(); }

  bool valid() const noexcept { return s_ != nullptr; }
  /// True once a value or exception is there. One atomic load.
  bool ready() const noexcept { return s_ != nullptr && s_->ready(); }

  /// Waits for the value and takes it (the future becomes invalid), or
  /// rethrows the producer's exception. On a worker the wait runs other
  /// tasks. Throws `kara::cancelled` if the waiting task is cancelled first
  /// (the future stays valid). Example: `int n = a.ask(&Counter::get).get();`
  T get() {
    assert(valid() && "kara::future::get on an invalid future");
    s_->wait(nullptr);
    return consume();
  }
  /// Waits at most `d`: the value, or `std::nullopt` on timeout (the future
  /// stays valid); rethrows the producer's exception. For `future<void>` it
  /// returns `bool` (true if completed). Inko's `await_for`.
  template <class Rep, class Period>
  auto get_for(std::chrono::duration<Rep, Period> d) {
    assert(valid() && "kara::future::get_for on an invalid future");
    const auto deadline = detail::deadline_after(d);
    const bool done = s_->wait(&deadline);
    if constexpr (std::is_void_v<T>) {
      if (done)
        consume();
      return done;
    } else {
      return done ? std::optional<T>(consume()) : std::optional<T>();
    }
  }
  /// Waits until ready without taking the value.
  void wait() const { s_->wait(nullptr); }

  /// For kara::select and friends.
  detail::future_state<T> *state_() const noexcept { return s_; }

private:
  friend class promise<T>;
  explicit future(detail::future_state<T> *s) noexcept : s_(s) {}
  T consume() {
    detail::future_state<T> *s = std::exchange(s_, nullptr);
    struct drop {
      detail::future_state<T> *s;
      ~drop() { s->release(); }
    } guard{s};
    return s->take();
  }
  void reset() noexcept {
    if (s_ != nullptr)
      std::exchange(s_, nullptr)->release();
  }
  detail::future_state<T> *s_ = nullptr;
};

/// Completes a `kara::future` by hand. Move-only; destroying it unfulfilled
/// gives its future `kara::broken_promise`. Thread-safe: the first
/// `set_value` / `set_exception` wins, later ones throw std::logic_error.
/// Example:
///     kara::promise<int> p; kara::future<int> f = p.get_future();
///     std::thread t([p = std::move(p)]() mutable { p.set_value(42); });
template <class T> class promise {
public:
  promise() : s_(new detail::future_state<T>) {}
  promise(promise &&o) noexcept
      : s_(std::exchange(o.s_, nullptr)), taken_(o.taken_) {}
  promise &operator=(promise &&o) noexcept {
    if (this != &o) {
      reset();
      s_ = std::exchange(o.s_, nullptr);
      taken_ = o.taken_;
    }
    return *this;
  }
  promise(const promise &) = delete;
  promise &operator=(const promise &) = delete;
  ~promise() { reset(); }

  /// The future of this promise; callable once.
  future<T> get_future() {
    if (s_ == nullptr || taken_)
      throw std::logic_error("kara::promise::get_future called twice");
    taken_ = true;
    s_->retain();
    return future<T>(s_);
  }

  template <class... A> void set_value(A &&...a) {
    static_assert(std::is_void_v<T> ? sizeof...(A) == 0 : sizeof...(A) == 1,
                  "kara::promise::set_value: one value (none for void)");
    check();
    bool ok;
    if constexpr (std::is_void_v<T>)
      ok = s_->complete([] {});
    else
      ok = s_->complete([&]() -> T { return T(std::forward<A>(a)...); });
    if (!ok)
      throw std::logic_error("kara::promise already satisfied");
  }
  void set_exception(std::exception_ptr e) {
    check();
    if (!s_->fail(std::move(e)))
      throw std::logic_error("kara::promise already satisfied");
  }

private:
  void check() const {
    if (s_ == nullptr)
      throw std::logic_error("kara::promise: moved-from");
  }
  void reset() noexcept {
    if (s_ == nullptr)
      return;
    if (!s_->ready())
      s_->fail(std::make_exception_ptr(broken_promise()));
    std::exchange(s_, nullptr)->release();
  }
  detail::future_state<T> *s_;
  bool taken_ = false;
};

/// A value or the exception that replaced it, without throwing (Janet's
/// `join-protected`). `value()` rethrows the exception if there is one.
/// `result<void>` holds nothing or an exception.
template <class T> class result {
public:
  explicit result(std::exception_ptr e) noexcept : v_(std::move(e)) {}
  template <class U = T, class = std::enable_if_t<!std::is_void_v<U>>>
  explicit result(std::in_place_t, U &&v)
      : v_(std::in_place_index<0>, std::forward<U>(v)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T &value() & {
    rethrow_if_error();
    return std::get<0>(v_);
  }
  T &&value() && {
    rethrow_if_error();
    return std::move(std::get<0>(v_));
  }
  /// The exception, or null when there is a value.
  std::exception_ptr error() const noexcept {
    return has_value() ? nullptr : std::get<1>(v_);
  }

private:
  void rethrow_if_error() const {
    if (!has_value())
      std::rethrow_exception(std::get<1>(v_));
  }
  std::variant<T, std::exception_ptr> v_;
};

template <> class result<void> {
public:
  result() noexcept = default;
  explicit result(std::exception_ptr e) noexcept : e_(std::move(e)) {}
  bool has_value() const noexcept { return e_ == nullptr; }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const {
    if (e_)
      std::rethrow_exception(e_);
  }
  std::exception_ptr error() const noexcept { return e_; }

private:
  std::exception_ptr e_;
};

namespace detail {
template <class T, class F> result<T> capture(F &&f) noexcept {
  try {
    if constexpr (std::is_void_v<T>) {
      f();
      return result<T>();
    } else {
      return result<T>(std::in_place, f());
    }
  } catch (...) {
    return result<T>(std::current_exception());
  }
}
} // namespace detail

/// Waits for `f` and gives its value or exception without throwing. If the
/// waiting task is cancelled first, the result holds `kara::cancelled` and
/// `f` stays valid. Example:
///     kara::result<int> r = kara::join_protected(f);
///     if (!r) log(r.error());
template <class T> result<T> join_protected(future<T> &f) noexcept {
  return detail::capture<T>([&]() -> T { return f.get(); });
}
template <class T> result<T> join_protected(future<T> &&f) noexcept {
  return join_protected(f);
}
/// The same for a spawned task's handle (`kara::spawn`, `nursery::spawn`).
template <class R> result<R> join_protected(task_handle<R> &h) noexcept {
  return detail::capture<R>([&]() -> R { return h.join(); });
}

/// Removes the futures that are ready from `fs` and returns them (in their
/// order in `fs`); the rest keep their order. Never waits (Inko's `poll`).
template <class T> std::vector<future<T>> poll(std::vector<future<T>> &fs) {
  std::vector<future<T>> ready, rest;
  for (auto &f : fs)
    (f.ready() ? ready : rest).push_back(std::move(f));
  fs = std::move(rest);
  return ready;
}

/// Waits until one of `fs` is ready, removes it from `fs` and returns it
/// (the one that completed first if several are). On a worker the wait runs
/// other tasks. Every future in `fs` must be valid. Throws
/// std::invalid_argument if `fs` is empty and
/// `kara::cancelled` if the waiting task is cancelled (`fs` unchanged).
template <class T> future<T> select(std::vector<future<T>> &fs) {
  if (fs.empty())
    throw std::invalid_argument("kara::select: no futures");
  for (const auto &f : fs)
    if (!f.valid())
      throw std::invalid_argument("kara::select: an invalid future");
  auto take_ready = [&]() -> std::optional<future<T>> {
    auto first = fs.end();
    for (auto it = fs.begin(); it != fs.end(); ++it)
      if (it->ready() &&
          (first == fs.end() || it->state_()->completion_rank() <
                                    first->state_()->completion_rank()))
        first = it;
    if (first == fs.end())
      return std::nullopt;
    future<T> f = std::move(*first);
    fs.erase(first);
    return f;
  };
  for (;;) {
    if (auto f = take_ready())
      return std::move(*f);
    detail::waiter w;
    std::vector<detail::wait_link> links(fs.size());
    std::size_t linked = 0;
    bool any_ready = false;
    for (; linked < fs.size(); ++linked) {
      links[linked].w = &w;
      if (!fs[linked].state_()->link(&links[linked])) {
        any_ready = true;
        break;
      }
    }
    detail::wake r = detail::wake::notified;
    if (!any_ready)
      r = detail::block(w, nullptr, detail::wait_mode::help);
    for (std::size_t i = 0; i < linked; ++i)
      fs[i].state_()->unlink(&links[i]);
    if (r == detail::wake::cancelled) {
      if (auto f = take_ready())
        return std::move(*f);
      throw cancelled();
    }
  }
}

/// Iterates over futures in the order they complete; each one yielded is
/// ready. Example:
///     for (kara::future<int> f : kara::as_completed(std::move(fs)))
///       total += f.get();
template <class T> class as_completed {
public:
  explicit as_completed(std::vector<future<T>> fs) : fs_(std::move(fs)) {}

  class iterator {
  public:
    using value_type = future<T>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(as_completed *owner) : owner_(owner) { advance(); }
    future<T> operator*() { return std::move(current_); }
    iterator &operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    bool operator==(const iterator &o) const { return owner_ == o.owner_; }
    bool operator!=(const iterator &o) const { return owner_ != o.owner_; }

  private:
    void advance() {
      if (owner_->fs_.empty())
        owner_ = nullptr;
      else
        current_ = select(owner_->fs_);
    }
    as_completed *owner_ = nullptr;
    future<T> current_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }
  /// Futures not yet yielded.
  std::size_t remaining() const noexcept { return fs_.size(); }

private:
  std::vector<future<T>> fs_;
};

template <class T>
struct enable_sendable<future<T>>
    : std::bool_constant<std::is_void_v<T> || is_sendable_v<T>> {};
template <class T>
struct enable_sendable<promise<T>>
    : std::bool_constant<std::is_void_v<T> || is_sendable_v<T>> {};

} // namespace kara

#endif // KARA_FUTURE_HPP
