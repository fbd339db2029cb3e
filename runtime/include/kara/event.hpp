// kara::event_manager<E>: publish/subscribe in a process (OTP's gen_event).
// A handler that throws is removed and reported; the others carry on. See
// docs/supervision.md.
#ifndef KARA_EVENT_HPP
#define KARA_EVENT_HPP

#include "server.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace kara {

/// A handler that an event manager removed because it threw.
struct handler_failure {
  std::uint64_t id;
  exit_reason reason; // exception, with the handler's exception
  using kara_sendable = void;
};

namespace detail {
template <class E> class event_state {
public:
  using handler = std::function<void(const E &)>;
  using failure_hook = std::function<void(const handler_failure &)>;
  // Code crossing into the manager: the captures are the caller's promise
  // (kara-sendable checks lambdas that cross a boundary).
  template <class F> struct boxed {
    F fn;
    using kara_sendable = void;
  };
  explicit event_state(boxed<failure_hook> on_failure)
      : on_failure_(std::move(on_failure.fn)) {}

  std::uint64_t add(boxed<handler> h) {
    handlers_.push_back({next_, std::move(h.fn)});
    return next_++;
  }
  bool remove(std::uint64_t id) {
    for (auto it = handlers_.begin(); it != handlers_.end(); ++it)
      if (it->id == id) {
        handlers_.erase(it);
        return true;
      }
    return false;
  }
  void publish(E e) {
    for (std::size_t i = 0; i < handlers_.size();) {
      try {
        handlers_[i].fn(e);
        ++i;
      } catch (...) {
        handler_failure f{handlers_[i].id,
                          exit_reason::exception(std::current_exception())};
        handlers_.erase(handlers_.begin() + static_cast<std::ptrdiff_t>(i));
        failures_.push_back(f);
        if (on_failure_) {
          try {
            on_failure_(f);
          } catch (...) { // a failing hook must not take the manager down
          }
        }
      }
    }
  }
  std::size_t count() const noexcept { return handlers_.size(); }
  std::vector<handler_failure> failures() const { return failures_; }

private:
  struct entry {
    std::uint64_t id;
    handler fn;
  };
  std::vector<entry> handlers_;
  std::vector<handler_failure> failures_;
  failure_hook on_failure_;
  std::uint64_t next_ = 1;
};
} // namespace detail

/// An event manager process: handlers subscribe, publishers send events of
/// type `E` (sendable); each event runs every handler in subscription order
/// inside the manager. A handler that throws is removed, recorded
/// (`failures()`) and reported to the failure hook given at start (run in
/// the manager; e.g. log it or cast it to a server); the other handlers
/// still get the event, and the manager carries on. Handles are sendable.
/// Example:
///     auto events = kara::event_manager<std::string>::start();
///     events.subscribe([](const std::string &e) { log(e); });
///     events.publish("started");
template <class E> class event_manager {
  static_assert(is_sendable_v<E>, "kara::event_manager<E>: E is not sendable");
  using state = detail::event_state<E>;

public:
  using failure_hook = typename state::failure_hook;
  event_manager() noexcept = default;
  /// Starts a manager (with options: a name, a link).
  static event_manager start(failure_hook on_failure = {},
                             const start_options &o = {}) {
    return event_manager(kara::start<state>(
        o,
        typename state::template boxed<failure_hook>{std::move(on_failure)}));
  }
  /// Adds a handler (it runs in the manager; capture only sendable values)
  /// and returns its id. Waits for the manager.
  template <class F> std::uint64_t subscribe(F f) const {
    return s_.call(&state::add,
                   typename state::template boxed<typename state::handler>{
                       typename state::handler(std::move(f))});
  }
  /// Removes a handler; false if it is not there (any more).
  bool unsubscribe(std::uint64_t id) const {
    return s_.call(&state::remove, id);
  }
  /// Queues the event and returns at once (OTP's notify).
  void publish(E e) const { s_.cast(&state::publish, std::move(e)); }
  /// Returns after every handler has run on the event (sync_notify).
  void sync_publish(E e) const { s_.call(&state::publish, std::move(e)); }
  std::size_t handlers() const { return s_.call(&state::count); }
  std::vector<handler_failure> failures() const {
    return s_.call(&state::failures);
  }
  const process &pid() const noexcept { return s_.pid(); }
  operator const process &() const noexcept { return s_.pid(); }
  void exit(exit_reason r = exit_reason::shutdown()) const noexcept {
    s_.exit(std::move(r));
  }
  using kara_sendable = void;

private:
  explicit event_manager(server<state> s) : s_(std::move(s)) {}
  server<state> s_;
};

} // namespace kara

#endif // KARA_EVENT_HPP
