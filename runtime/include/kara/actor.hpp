// kara::actor<T>: a T that only its own messages touch, run one at a time on
// the pool (SPEC §8). See docs/actors.md.
#ifndef KARA_ACTOR_HPP
#define KARA_ACTOR_HPP

#include "future.hpp"

#include "cancel.hpp"
#include "detail/scheduler.hpp"
#include "sendable.hpp"

#include <atomic>
#include <cassert>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {

/// Called with the exception of a `send` handler (a message nobody waits
/// for). The default prints it to stderr and calls std::terminate, as an
/// exception escaping a std::thread does; install one to log and continue.
/// It runs on the worker that ran the message, so it must not block long.
using send_error_handler = void (*)(std::exception_ptr) noexcept;
/// Installs `h` (null restores the default) and returns the previous one.
/// Thread-safe.
send_error_handler set_send_error_handler(send_error_handler h) noexcept;

/// Thrown by `actor::call` when the called actor's handler is suspended
/// further down the calling thread's stack (a call from an actor to itself,
/// or back to an actor whose handler is waiting for this one on the same
/// thread): such a call could never return.
class call_cycle : public std::logic_error {
public:
  call_cycle()
      : std::logic_error("kara::actor::call: the called actor is waiting "
                         "further down this thread, the call would never "
                         "return (use send or ask)") {}
};

namespace detail {

class actor_base;

/// One message in a mailbox: an intrusive node of the MPSC queue.
struct mailbox_node {
  std::atomic<mailbox_node *> next{nullptr};
  /// Runs the message on the actor's object and deletes the node.
  void (*invoke)(mailbox_node *, actor_base *) noexcept = nullptr;
};

void report_send_error(std::exception_ptr e) noexcept;

/// The untyped part of an actor: reference count, mailbox (Vyukov's
/// intrusive MPSC queue) and the task that drains it. `pending_` counts
/// messages sent and not yet run; the sender that raises it from zero queues
/// the drain task, which runs messages until it brings it back to zero, so at
/// most one drain runs at a time and every message is run exactly once.
class actor_base : public task {
public:
  void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      destroy_(this);
  }
  void enqueue(mailbox_node *n) noexcept;
  /// True if a handler of this actor runs on this thread (possibly
  /// suspended under a nested wait).
  bool running_here() const noexcept;

protected:
  using destroy_fn = void (*)(actor_base *) noexcept;
  explicit actor_base(destroy_fn destroy) noexcept;
  ~actor_base() = default;

private:
  static void drain(task *t) noexcept;
  mailbox_node *pop() noexcept;
  void push_node(mailbox_node *n) noexcept;

  std::atomic<std::size_t> refs_{1}; // handles, plus one while scheduled
  std::atomic<std::size_t> pending_{0};
  std::atomic<mailbox_node *> head_; // producers exchange here
  mailbox_node *tail_;               // the drain pops here
  mailbox_node stub_;
  destroy_fn destroy_;
};

// Per-position sendable checks so the message names the argument.
template <std::size_t I, class T, bool Ok = is_sendable_v<T>>
struct actor_arg_check : std::true_type {};
#define KARA_ACTOR_HINT                                                        \
  " is not sendable (raw pointers, references and shared_ptr to mutable "      \
  "data cannot cross an actor boundary; wrap it in kara::unique, pass a "      \
  "sendable copy, or opt the type in with kara::enable_sendable / "            \
  "'using kara_sendable = void;')"
#define KARA_ACTOR_ARG_CHECK(N)                                                \
  template <class T> struct actor_arg_check<N, T, false> : std::true_type {    \
    static_assert(is_sendable_v<T>,                                            \
                  "kara::actor: message argument " #N KARA_ACTOR_HINT);        \
  };
KARA_ACTOR_ARG_CHECK(1)
KARA_ACTOR_ARG_CHECK(2)
KARA_ACTOR_ARG_CHECK(3)
KARA_ACTOR_ARG_CHECK(4)
KARA_ACTOR_ARG_CHECK(5)
KARA_ACTOR_ARG_CHECK(6)
#undef KARA_ACTOR_ARG_CHECK
template <std::size_t I, class T>
struct actor_arg_check<I, T, false> : std::true_type {
  static_assert(
      is_sendable_v<T>,
      "kara::actor: a message argument after the 6th" KARA_ACTOR_HINT);
};
template <std::size_t I, class T, bool Ok = is_sendable_v<T>>
struct actor_ctor_check : std::true_type {};
template <std::size_t I, class T>
struct actor_ctor_check<I, T, false> : std::true_type {
  static_assert(is_sendable_v<T>,
                "kara::actor: a constructor argument" KARA_ACTOR_HINT);
};
#undef KARA_ACTOR_HINT

template <template <std::size_t, class, bool> class Check, class... A,
          std::size_t... I>
constexpr bool check_actor_args(std::index_sequence<I...>) {
  return (
      Check<I + 1, std::decay_t<A>, is_sendable_v<std::decay_t<A>>>::value &&
      ... && true);
}

template <class T> struct is_actor : std::false_type {};

} // namespace detail

/// A handle to an actor owning a `T`. Only the actor's messages touch the
/// `T`; they run one at a time, in the order each sender sent them, on the
/// pool. Handles are cheap to copy (one pointer, an atomic increment) and
/// usable from any thread; the actor (and its `T`) is destroyed when the last
/// handle is gone and its mailbox is drained, on the thread that finishes
/// last. Nothing is spawned until the first message. An idle actor costs
/// 80 bytes plus its `T` on x86-64 (no thread, no task).
/// Example:
///     kara::actor<Account> acc(100);            // Account(int balance)
///     acc.send(&Account::deposit, 50);          // fire-and-forget
///     kara::future<int> f = acc.ask(&Account::balance);
///     int b = acc.call(&Account::balance);      // waits: 150
template <class T> class actor {
  static_assert(std::is_object_v<T> && !std::is_const_v<T>,
                "kara::actor<T>: T must be a non-const object type");

  struct core final : detail::actor_base {
    template <class... A>
    explicit core(A &&...a)
        : actor_base(&destroy), value(std::forward<A>(a)...) {}
    static void destroy(detail::actor_base *b) noexcept {
      delete static_cast<core *>(b);
    }
    T value;
  };

  template <class M, class Args> struct send_msg final : detail::mailbox_node {
    send_msg(M m, Args a) : method(m), args(std::move(a)) {
      this->invoke = &run;
    }
    static void run(detail::mailbox_node *n, detail::actor_base *b) noexcept {
      std::unique_ptr<send_msg> self(static_cast<send_msg *>(n));
      try {
        std::apply(
            [&](auto &...xs) {
              std::invoke(self->method, static_cast<core *>(b)->value,
                          std::move(xs)...);
            },
            self->args);
      } catch (...) {
        detail::report_send_error(std::current_exception());
      }
    }
    M method;
    Args args;
  };

  template <class R, class M, class Args>
  struct ask_msg final : detail::mailbox_node {
    ask_msg(M m, Args a, promise<R> p)
        : method(m), args(std::move(a)), reply(std::move(p)) {
      this->invoke = &run;
    }
    static void run(detail::mailbox_node *n, detail::actor_base *b) noexcept {
      std::unique_ptr<ask_msg> self(static_cast<ask_msg *>(n));
      auto call = [&]() -> R {
        return std::apply(
            [&](auto &...xs) -> R {
              return std::invoke(self->method, static_cast<core *>(b)->value,
                                 std::move(xs)...);
            },
            self->args);
      };
      try {
        if constexpr (std::is_void_v<R>) {
          call();
          self->reply.set_value();
        } else {
          self->reply.set_value(call());
        }
      } catch (...) {
        self->reply.set_exception(std::current_exception());
      }
    }
    M method;
    Args args;
    promise<R> reply;
  };

  template <class M, class... A> static constexpr void check_message() {
    static_assert(std::is_member_function_pointer_v<M>,
                  "kara::actor: a message is a pointer to a member function "
                  "of T, e.g. a.send(&T::method, args...)");
    static_assert(std::is_invocable_v<M, T &, std::decay_t<A>...>,
                  "kara::actor: T's method cannot be called with these "
                  "arguments");
    static_assert(detail::check_actor_args<detail::actor_arg_check, A...>(
                      std::index_sequence_for<A...>{}),
                  "kara::actor: message arguments must be sendable");
  }
  template <class M, class... A>
  using result_of = std::invoke_result_t<M, T &, std::decay_t<A>...>;

public:
  /// Builds the `T` from `args` (decay-copied; they must be sendable, as
  /// `kara::unique<U>` is). Spawns nothing.
  template <class... A, class = std::enable_if_t<
                            std::is_constructible_v<T, A...> &&
                            !(sizeof...(A) == 1 &&
                              (std::is_same_v<std::decay_t<A>, actor> || ...))>>
  explicit actor(A &&...args) : c_(new core(std::forward<A>(args)...)) {
    static_assert(detail::check_actor_args<detail::actor_ctor_check, A...>(
                      std::index_sequence_for<A...>{}),
                  "kara::actor: constructor arguments must be sendable");
  }
  actor(const actor &o) noexcept : c_(o.c_) {
    if (c_ != nullptr)
      c_->retain();
  }
  actor(actor &&o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
  actor &operator=(actor o) noexcept {
    std::swap(c_, o.c_);
    return *this;
  }
  ~actor() {
    if (c_ != nullptr)
      c_->release();
  }

  /// Queues `(obj.*m)(args...)` and returns at once. An exception from the
  /// handler goes to the send error handler (see set_send_error_handler).
  /// Thread-safe; cost: one allocation and an atomic exchange, plus a queue
  /// push when the actor was idle.
  template <class M, class... A> void send(M m, A &&...args) const {
    check_message<M, A...>();
    assert(c_ != nullptr && "kara::actor used after it was moved from");
    using msg = send_msg<M, std::tuple<std::decay_t<A>...>>;
    c_->enqueue(
        new msg(m, std::tuple<std::decay_t<A>...>(std::forward<A>(args)...)));
  }

  /// Queues the message and returns a future of its result (or exception).
  /// The result type must be sendable and not a reference.
  template <class M, class... A>
  [[nodiscard]] future<result_of<M, A...>> ask(M m, A &&...args) const {
    check_message<M, A...>();
    using R = result_of<M, A...>;
    static_assert(!std::is_reference_v<R>,
                  "kara::actor::ask: the handler returns a reference, which "
                  "would let the actor's state escape; return a value");
    static_assert(std::is_void_v<R> || is_sendable_v<R>,
                  "kara::actor::ask: the handler's result type is not "
                  "sendable");
    assert(c_ != nullptr && "kara::actor used after it was moved from");
    using msg = ask_msg<R, M, std::tuple<std::decay_t<A>...>>;
    promise<R> p;
    future<R> f = p.get_future();
    c_->enqueue(
        new msg(m, std::tuple<std::decay_t<A>...>(std::forward<A>(args)...),
                std::move(p)));
    return f;
  }

  /// `ask(m, args...).get()`: waits for the result (Inko's plain call). On a
  /// worker the wait runs other tasks, possibly this actor's messages.
  /// Throws `kara::call_cycle` (without sending) if a handler of this actor
  /// is suspended further down the calling thread; a cycle of calls across
  /// threads waits forever, as in any actor system with synchronous calls.
  template <class M, class... A>
  result_of<M, A...> call(M m, A &&...args) const {
    assert(c_ != nullptr && "kara::actor used after it was moved from");
    if (c_->running_here())
      throw call_cycle();
    return ask(m, std::forward<A>(args)...).get();
  }

  bool valid() const noexcept { return c_ != nullptr; }
  friend bool operator==(const actor &a, const actor &b) noexcept {
    return a.c_ == b.c_;
  }
  friend bool operator!=(const actor &a, const actor &b) noexcept {
    return a.c_ != b.c_;
  }

  /// Bytes an actor of this `T` occupies besides the handle (for tests and
  /// the memory benchmark).
  static constexpr std::size_t footprint = sizeof(core);

private:
  core *c_;
};

namespace detail {
template <class T> struct is_actor<actor<T>> : std::true_type {};
} // namespace detail

/// Actor handles may be passed to tasks and other actors.
template <class T> struct enable_sendable<actor<T>> : std::true_type {};

} // namespace kara

#endif // KARA_ACTOR_HPP
