// kara::server<T>: a gen_server. A process owning a T, with call (request and
// reply with a timeout), cast, info, deferred replies and a terminate
// callback; kara::agent<S> for plain state. See docs/supervision.md.
#ifndef KARA_SERVER_HPP
#define KARA_SERVER_HPP

#include "actor.hpp" // call_cycle and the per-argument sendable checks
#include "process.hpp"
#include "registry.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {

/// How long `server::call` waits by default (OTP's 5 s).
inline constexpr std::chrono::milliseconds default_call_timeout{5000};

/// Options of `kara::start`: a registered name, a link to another process
/// (OTP's start_link) and trap_exit, all in place before the first message.
struct start_options {
  std::string name;
  process link;
  bool trap_exit = false;
};

/// A deferred reply (OTP's `From` with `noreply`): a handler whose first
/// parameter is `kara::reply_to<R>` answers a `call` whenever it wants,
/// possibly from another process or task (it is sendable, move-only).
/// Destroyed unanswered, the caller gets kara::process_exited if the server
/// has exited, else kara::broken_promise. Example:
///     void get(kara::reply_to<int> r) { waiting_.push_back(std::move(r)); }
///     ... waiting_.front().reply(42);
template <class R> class reply_to {
public:
  reply_to(promise<R> p, process server)
      : p_(std::move(p)), server_(std::move(server)) {}
  reply_to(reply_to &&) noexcept = default;
  reply_to &operator=(reply_to &&o) noexcept {
    if (this != &o) {
      abandon();
      p_ = std::move(o.p_);
      server_ = std::move(o.server_);
      done_ = o.done_;
      o.done_ = true;
    }
    return *this;
  }
  ~reply_to() { abandon(); }
  /// Completes the call with a value (none for `reply_to<void>`). Throws
  /// std::logic_error if already answered.
  template <class... A> void reply(A &&...a) {
    p_.set_value(std::forward<A>(a)...);
    done_ = true;
  }
  /// Completes the call with an exception, thrown in the caller; the server
  /// carries on (a handler that throws instead ends the server).
  void fail(std::exception_ptr e) {
    p_.set_exception(std::move(e));
    done_ = true;
  }
  using kara_sendable = void;

private:
  struct orphan final : detail::process_core::orphan {
    explicit orphan(promise<R> p) : p(std::move(p)) {}
    void resolve(const exit_reason *exited) noexcept override {
      if (exited != nullptr) {
        try {
          p.set_exception(std::make_exception_ptr(process_exited(*exited)));
        } catch (...) {
        }
      } // else: p's destructor gives kara::broken_promise
    }
    promise<R> p;
  };
  void abandon() noexcept {
    if (done_ || !server_.valid())
      return;
    done_ = true;
    detail::process_core *c = server_.core_();
    try {
      if (c->running_here()) {
        // Dropped by the server's own handler, maybe while it crashes: the
        // drain decides after the message.
        c->adopt_orphan(std::make_unique<orphan>(std::move(p_)));
      } else if (c->exiting()) {
        p_.set_exception(std::make_exception_ptr(process_exited(c->reason())));
      }
    } catch (...) {
    }
  }
  promise<R> p_;
  process server_;
  bool done_ = false;
};

namespace detail {

template <class X> struct reply_traits : std::false_type {};
template <class R> struct reply_traits<reply_to<R>> : std::true_type {
  using type = R;
};

template <class... P> struct first_param { using type = void; };
template <class H, class... P> struct first_param<H, P...> {
  using type = std::decay_t<H>;
};
template <class M> struct member_traits { using first = void; };
#define KARA_MEMBER_TRAITS(QUAL)                                               \
  template <class C, class R, class... P>                                      \
  struct member_traits<R (C::*)(P...) QUAL> {                                  \
    using first = typename first_param<P...>::type;                            \
  };
KARA_MEMBER_TRAITS()
KARA_MEMBER_TRAITS(const)
KARA_MEMBER_TRAITS(noexcept)
KARA_MEMBER_TRAITS(const noexcept)
#undef KARA_MEMBER_TRAITS

/// True if `M`'s first parameter is a reply_to (a deferred-reply handler).
template <class M>
inline constexpr bool is_deferred_v =
    reply_traits<typename member_traits<M>::first>::value;

template <class T, class A, class = void>
struct has_handle_info : std::false_type {};
template <class T, class A>
struct has_handle_info<
    T, A,
    std::void_t<decltype(std::declval<T &>().handle_info(std::declval<A>()))>>
    : std::true_type {};
template <class T, class = void> struct has_terminate : std::false_type {};
template <class T>
struct has_terminate<T, std::void_t<decltype(std::declval<T &>().terminate(
                            std::declval<const exit_reason &>()))>>
    : std::true_type {};

template <class T> inline constexpr char server_tag = 0;

void report_terminate_error(std::exception_ptr e) noexcept;

template <class T> class server_core final : public process_core {
public:
  server_core() noexcept : process_core(&server_tag<T>) {}
  T &state() noexcept { return *state_; }
  std::optional<T> state_;

  void on_down(down d) override {
    if constexpr (has_handle_info<T, down>::value)
      state_->handle_info(std::move(d));
  }
  bool on_exit_signal(exit_signal s) override {
    if constexpr (has_handle_info<T, exit_signal>::value) {
      state_->handle_info(std::move(s));
      return true;
    } else {
      return false;
    }
  }

protected:
  void on_terminate(const exit_reason &r) noexcept override {
    if constexpr (has_terminate<T>::value) {
      try {
        state_->terminate(r);
      } catch (...) {
        report_terminate_error(std::current_exception());
      }
    }
  }
  void destroy_state() noexcept override { state_.reset(); }
};

template <class T> class server_access;

} // namespace detail

template <class T> class server;

/// Starts a server owning `T(args...)` (the arguments are decay-copied and
/// must be sendable, so a supervisor can build a fresh one on restart). The
/// constructor runs on the calling thread with `kara::self()` naming the new
/// server; if it throws, `start` rethrows and nothing is left behind. With
/// options: a name (kara::name_taken if taken), a link, trap_exit.
/// Thread-safe; cost: one allocation plus T's constructor. Example:
///     kara::server<Counter> c = kara::start<Counter>(0);
///     auto c2 = kara::start<Counter>(kara::start_options{"counter"}, 0);
template <class T, class... A>
server<T> start(const start_options &options, A &&...args);
template <
    class T, class... A,
    class = std::enable_if_t<
        !(sizeof...(A) > 0 &&
          std::is_same_v<std::decay_t<typename detail::first_param<A...>::type>,
                         start_options>)>>
server<T> start(A &&...args) {
  return start<T>(start_options{}, std::forward<A>(args)...);
}

/// A handle to a server owning a `T`: a typed `kara::process`. Messages are
/// member functions of T, run one at a time on the pool:
/// - `call(&T::m, args...)` waits for the result (default timeout 5 s);
///   throws kara::call_timeout, kara::process_exited if the server exits
///   before answering (the reason says why: its exception, shutdown,
///   killed), kara::call_cycle for a call to a server whose handler is
///   suspended further down this thread.
/// - `cast(&T::m, args...)` queues and returns.
/// - `info(v)` runs `T::handle_info(v)`; `kara::down` and `kara::exit_signal`
///   arrive there too when T declares those overloads.
/// An exception escaping any handler ends the server with reason exception
/// (OTP's crash; a supervisor restarts it). A handler that wants to report
/// an error and carry on uses a deferred reply's `fail`. `T::terminate(const
/// kara::exit_reason&)`, if declared, runs before T is destroyed (not after
/// kill). Handles are cheap to copy, usable from any thread and sendable.
template <class T> class server {
  using core = detail::server_core<T>;

  template <class M, class... A> static constexpr void check_message() {
    static_assert(std::is_member_function_pointer_v<M>,
                  "kara::server: a message is a pointer to a member function "
                  "of T, e.g. s.call(&T::method, args...)");
    static_assert(detail::check_actor_args<detail::actor_arg_check, A...>(
                      std::index_sequence_for<A...>{}),
                  "kara::server: message arguments must be sendable");
  }
  template <class M, class... A> struct result {
    using type = std::invoke_result_t<M, T &, std::decay_t<A>...>;
  };
  template <class M, class... A>
  using result_t = typename std::conditional_t<
      detail::is_deferred_v<M>,
      detail::reply_traits<typename detail::member_traits<M>::first>,
      result<M, A...>>::type;

public:
  server() noexcept = default;
  /// The server behind `p` if it owns a `T`, else nullopt.
  static std::optional<server> from(const process &p) {
    if (p.core_() == nullptr || p.core_()->type_tag() != &detail::server_tag<T>)
      return std::nullopt;
    return server(p);
  }

  /// The untyped handle (for links, monitors, the registry).
  const process &pid() const noexcept { return p_; }
  operator const process &() const noexcept { return p_; }
  bool valid() const noexcept { return p_.valid(); }
  bool alive() const noexcept { return p_.alive(); }
  void exit(exit_reason r = exit_reason::shutdown()) const noexcept {
    p_.exit(std::move(r));
  }
  void kill() const noexcept { p_.kill(); }

  /// Queues the request and returns a future of its reply; if the server
  /// exits first the future holds kara::process_exited. Thread-safe; cost:
  /// two allocations and a lock.
  template <class M, class... A>
  [[nodiscard]] future<result_t<M, A...>> ask(M m, A &&...args) const {
    check_message<M, A...>();
    using R = result_t<M, A...>;
    static_assert(!std::is_reference_v<R>,
                  "kara::server::call: the handler returns a reference, "
                  "which would let the server's state escape");
    static_assert(std::is_void_v<R> || is_sendable_v<R>,
                  "kara::server::call: the reply type is not sendable");
    auto tup = std::make_tuple(std::forward<A>(args)...);
    if constexpr (detail::is_deferred_v<M>) {
      return ask_fn<R>([m, tup = std::move(tup)](T &t, reply_to<R> r) mutable {
        std::apply(
            [&](auto &...xs) {
              std::invoke(m, t, std::move(r), std::move(xs)...);
            },
            tup);
      });
    } else {
      return ask_fn<R>([m, tup = std::move(tup)](T &t) mutable -> R {
        return std::apply(
            [&](auto &...xs) -> R {
              return std::invoke(m, t, std::move(xs)...);
            },
            tup);
      });
    }
  }

  /// `ask` and wait at most `timeout` (see the class comment).
  template <class Rep, class Period, class M, class... A>
  result_t<M, A...> call_for(std::chrono::duration<Rep, Period> timeout, M m,
                             A &&...args) const {
    check_cycle();
    return wait_reply(ask(m, std::forward<A>(args)...), timeout);
  }
  /// `call_for(kara::default_call_timeout, m, args...)`. Example:
  ///     int n = counter.call(&Counter::get);
  template <class M, class... A,
            class = std::enable_if_t<std::is_member_function_pointer_v<M>>>
  result_t<M, A...> call(M m, A &&...args) const {
    return call_for(default_call_timeout, m, std::forward<A>(args)...);
  }

  /// Queues `(t.*m)(args...)` and returns at once (dropped if the server has
  /// exited). Thread-safe. Example: `counter.cast(&Counter::add, 5);`
  template <class M, class... A> void cast(M m, A &&...args) const {
    check_message<M, A...>();
    static_assert(std::is_invocable_v<M, T &, std::decay_t<A>...>,
                  "kara::server::cast: T's method cannot be called with "
                  "these arguments");
    post([m, tup = std::make_tuple(std::forward<A>(args)...)](T &t) mutable {
      std::apply([&](auto &...xs) { std::invoke(m, t, std::move(xs)...); },
                 tup);
    });
  }

  /// Queues `t.handle_info(v)` (a message that is neither call nor cast:
  /// ticks, notifications). Thread-safe.
  template <class V> void info(V &&v) const {
    static_assert(is_sendable_v<std::decay_t<V>>,
                  "kara::server::info: the message is not sendable");
    static_assert(detail::has_handle_info<T, std::decay_t<V>>::value,
                  "kara::server::info: T has no handle_info for this type");
    post([v = std::decay_t<V>(std::forward<V>(v))](T &t) mutable {
      t.handle_info(std::move(v));
    });
  }

  friend bool operator==(const server &a, const server &b) noexcept {
    return a.p_ == b.p_;
  }
  using kara_sendable = void;

private:
  template <class U, class... A>
  friend server<U> start(const start_options &, A &&...);
  friend class detail::server_access<T>;
  explicit server(process p) noexcept : p_(std::move(p)) {}
  core *c() const noexcept { return static_cast<core *>(p_.core_()); }

  void check_cycle() const {
    if (p_.core_() != nullptr && p_.core_()->running_here())
      throw call_cycle();
  }
  template <class R, class Rep, class Period>
  static R wait_reply(future<R> f, std::chrono::duration<Rep, Period> timeout) {
    if constexpr (std::is_void_v<R>) {
      if (!f.get_for(timeout))
        throw call_timeout();
    } else {
      std::optional<R> v = f.get_for(timeout);
      if (!v)
        throw call_timeout();
      return std::move(*v);
    }
  }

  // Runs f(T&) on the server.
  template <class F> void post(F f) const {
    p_.core_()->deliver(detail::make_message(
        [f = std::move(f)](detail::process_core &pc) mutable {
          f(static_cast<core &>(pc).state());
        }));
  }

  // A request whose reply is f(T&) (or, deferred, given by f(T&, reply_to)).
  template <class R, class F>
  struct call_message final : detail::process_message {
    call_message(F fn, promise<R> p) : f(std::move(fn)), reply(std::move(p)) {}
    void run(detail::process_core &pc) override {
      T &t = static_cast<core &>(pc).state();
      if constexpr (std::is_invocable_v<F &, T &, reply_to<R>>) {
        done = true;
        f(t, reply_to<R>(std::move(reply), process(&pc)));
      } else if constexpr (std::is_void_v<R>) {
        f(t);
        reply_unless_exiting(pc);
      } else {
        R r = f(t);
        reply_unless_exiting(pc, std::move(r));
      }
    }
    // A handler cancelled by an exit request may have been cut short (a
    // cancelled scope returns early): its result is not a reply.
    template <class... V>
    void reply_unless_exiting(detail::process_core &pc, V &&...v) {
      if (pc.exiting()) {
        drop(pc.reason());
        return;
      }
      done = true;
      reply.set_value(std::forward<V>(v)...);
    }
    void drop(const exit_reason &why) noexcept override {
      if (done)
        return;
      done = true;
      try {
        reply.set_exception(std::make_exception_ptr(process_exited(why)));
      } catch (...) {
      }
    }
    F f;
    promise<R> reply;
    bool done = false;
  };
  template <class R, class F> future<R> ask_fn(F f) const {
    promise<R> p;
    future<R> fut = p.get_future();
    p_.core_()->deliver(
        std::make_unique<call_message<R, F>>(std::move(f), std::move(p)));
    return fut;
  }

  process p_;
};

namespace detail {
template <class T> class server_access {
public:
  template <class R, class F> static future<R> ask(const server<T> &s, F f) {
    return s.template ask_fn<R>(std::move(f));
  }
  template <class F> static void post(const server<T> &s, F f) {
    s.post(std::move(f));
  }
  template <class R, class Rep, class Period>
  static R wait(const server<T> &s, future<R> f,
                std::chrono::duration<Rep, Period> d) {
    s.check_cycle();
    return server<T>::wait_reply(std::move(f), d);
  }
};
} // namespace detail

template <class T, class... A>
server<T> start(const start_options &options, A &&...args) {
  static_assert(std::is_constructible_v<T, std::decay_t<A>...>,
                "kara::start<T>: T cannot be built from these arguments");
  static_assert(detail::check_actor_args<detail::actor_ctor_check, A...>(
                    std::index_sequence_for<A...>{}),
                "kara::start<T>: constructor arguments must be sendable");
  auto *c = new detail::server_core<T>();
  server<T> s{process(c)};
  try {
    {
      detail::self_scope me(c);
      c->state_.emplace(std::forward<A>(args)...);
    }
    if (options.trap_exit)
      c->set_trap_exit(true);
    if (!options.name.empty())
      registry::put(options.name, s.pid());
  } catch (...) {
    c->abandon();
    throw;
  }
  if (options.link.valid())
    link(options.link, s.pid());
  c->started();
  return s;
}

/// Plain state in a process (Elixir's Agent, Janet's Actor): functions of
/// the state run one at a time in the agent. Example:
///     auto a = kara::agent<std::vector<int>>::start();
///     a.update([](std::vector<int> &v) { v.push_back(1); });
///     std::size_t n = a.get([](const std::vector<int> &v) { return v.size();
///     });
template <class S> class agent {
  struct holder {
    template <class... A>
    explicit holder(A &&...a) : value(std::forward<A>(a)...) {}
    S value;
  };
  using access = detail::server_access<holder>;

public:
  agent() noexcept = default;
  /// Starts an agent holding `S(args...)` (sendable arguments).
  template <class... A> static agent start(A &&...args) {
    return agent(kara::start<holder>(std::forward<A>(args)...));
  }
  template <class... A>
  static agent start_with(const start_options &o, A &&...args) {
    return agent(kara::start<holder>(o, std::forward<A>(args)...));
  }

  /// Waits for `f(const S&)` (timeout as server::call). The result must be
  /// sendable; `f` must capture only sendable values (kara-sendable checks).
  template <class F> auto get(F f) const {
    return apply<const S &>(std::move(f));
  }
  /// Waits until `f(S&)` has run.
  template <class F> void update(F f) const {
    apply<S &>([f = std::move(f)](S &s) mutable { f(s); });
  }
  /// `f(S&)` returns the reply: update and read in one step.
  template <class F> auto get_and_update(F f) const {
    return apply<S &>(std::move(f));
  }
  /// Queues `f(S&)` and returns at once.
  template <class F> void cast(F f) const {
    access::post(s_, [f = std::move(f)](holder &h) mutable { f(h.value); });
  }
  const process &pid() const noexcept { return s_.pid(); }
  void exit(exit_reason r = exit_reason::shutdown()) const noexcept {
    s_.exit(std::move(r));
  }
  using kara_sendable = void;

private:
  explicit agent(server<holder> s) : s_(std::move(s)) {}
  // Runs f(Ref state) in the agent and waits for its result.
  template <class Ref, class F> auto apply(F f) const {
    using R = std::invoke_result_t<F &, Ref>;
    static_assert(std::is_void_v<R> || is_sendable_v<R>,
                  "kara::agent: the result is not sendable");
    return access::wait(
        s_,
        access::template ask<R>(
            s_,
            [f = std::move(f)](holder &h) mutable -> R { return f(h.value); }),
        default_call_timeout);
  }
  server<holder> s_;
};

} // namespace kara

#endif // KARA_SERVER_HPP
