// kara::channel<T>: a bounded multi-producer multi-consumer queue whose
// waits cooperate with the scheduler and with cancellation (SPEC §8).
#ifndef KARA_CHANNEL_HPP
#define KARA_CHANNEL_HPP

#include "detail/wait.hpp"
#include "sendable.hpp"

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace kara {

/// Thrown by `channel::send` on a closed channel.
class channel_closed : public std::exception {
public:
  const char *what() const noexcept override { return "kara::channel_closed"; }
};

/// A bounded MPMC queue of `T` (which must be sendable). A `channel` is a
/// handle: copies share the same queue, so it can be passed to tasks by
/// value. FIFO; waits park the thread (they run no other task, see
/// docs/actors.md) and wake with `kara::cancelled` when the waiting task is
/// cancelled. All members are thread-safe. Example:
///     kara::channel<int> ch(16);
///     auto producer = kara::spawn([ch] { for (int i = 0; i < 100; ++i)
///                                         ch.send(i); ch.close(); });
///     for (int v : ch) sum += v;            // ends when closed and drained
template <class T> class channel {
  static_assert(is_sendable_v<T>,
                "kara::channel<T>: T is not sendable (raw pointers, references "
                "and shared_ptr to mutable data cannot cross a task boundary; "
                "use kara::unique or a sendable copy)");

  struct state {
    explicit state(std::size_t cap) : slots(cap) {}
    std::mutex mutex;
    std::vector<std::optional<T>> slots; // ring buffer
    std::size_t head = 0, size = 0;
    bool closed = false;
    detail::wait_queue senders, receivers;

    bool full() const noexcept { return size == slots.size(); }
    void put(T &&v) {
      slots[(head + size) % slots.size()].emplace(std::move(v));
      ++size;
      receivers.notify_one();
    }
    T get() {
      std::optional<T> &s = slots[head];
      T v = std::move(*s);
      s.reset();
      head = (head + 1) % slots.size();
      --size;
      senders.notify_one();
      return v;
    }
  };

public:
  /// A channel holding up to `capacity` values (at least 1, else
  /// std::invalid_argument).
  explicit channel(std::size_t capacity)
      : s_(capacity == 0 ? throw std::invalid_argument(
                               "kara::channel: capacity must be at least 1")
                         : std::make_shared<state>(capacity)) {}

  /// Waits while the channel is full, then queues `v`. Throws
  /// `kara::channel_closed` if the channel is (or gets) closed and
  /// `kara::cancelled` if the waiting task is cancelled; `v` is then dropped.
  void send(T v) const {
    std::unique_lock<std::mutex> lock(s_->mutex);
    while (s_->full() && !s_->closed)
      if (detail::wait_in(lock, s_->senders, nullptr) ==
          detail::wake::cancelled)
        throw cancelled();
    if (s_->closed)
      throw channel_closed();
    s_->put(std::move(v));
  }
  /// Queues `v` if there is room and the channel is open; never waits.
  bool try_send(T v) const {
    std::lock_guard<std::mutex> lock(s_->mutex);
    if (s_->full() || s_->closed)
      return false;
    s_->put(std::move(v));
    return true;
  }
  /// Waits while the channel is empty and open. The oldest value, or
  /// `std::nullopt` once the channel is closed and drained. Throws
  /// `kara::cancelled` if the waiting task is cancelled.
  std::optional<T> recv() const {
    std::unique_lock<std::mutex> lock(s_->mutex);
    while (s_->size == 0 && !s_->closed)
      if (detail::wait_in(lock, s_->receivers, nullptr) ==
          detail::wake::cancelled)
        throw cancelled();
    if (s_->size == 0)
      return std::nullopt;
    return s_->get();
  }
  /// The oldest value if there is one; never waits.
  std::optional<T> try_recv() const {
    std::lock_guard<std::mutex> lock(s_->mutex);
    if (s_->size == 0)
      return std::nullopt;
    return s_->get();
  }
  /// Refuses further sends and wakes every waiter: blocked senders throw
  /// `kara::channel_closed`, receivers drain what is left, then get
  /// `std::nullopt`. Idempotent.
  void close() const {
    std::lock_guard<std::mutex> lock(s_->mutex);
    s_->closed = true;
    s_->senders.notify_all();
    s_->receivers.notify_all();
  }
  bool closed() const {
    std::lock_guard<std::mutex> lock(s_->mutex);
    return s_->closed;
  }
  std::size_t size() const {
    std::lock_guard<std::mutex> lock(s_->mutex);
    return s_->size;
  }
  std::size_t capacity() const noexcept { return s_->slots.size(); }

  /// Range-for over received values: `for (T v : ch)` calls `recv()` until
  /// the channel is closed and drained.
  class iterator {
  public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(const channel *ch) : ch_(ch) { ++*this; }
    T &operator*() { return *v_; }
    iterator &operator++() {
      v_ = ch_->recv();
      if (!v_)
        ch_ = nullptr;
      return *this;
    }
    bool operator==(const iterator &o) const { return ch_ == o.ch_; }
    bool operator!=(const iterator &o) const { return ch_ != o.ch_; }

  private:
    const channel *ch_ = nullptr;
    std::optional<T> v_;
  };
  iterator begin() const { return iterator(this); }
  iterator end() const { return iterator(); }

private:
  std::shared_ptr<state> s_;
};

/// A channel handle may be passed to tasks (it is thread-safe).
template <class T> struct enable_sendable<channel<T>> : std::true_type {};

} // namespace kara

#endif // KARA_CHANNEL_HPP
