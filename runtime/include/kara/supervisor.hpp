// kara::supervisor: a process that starts children, restarts them when they
// fail (one_for_one, one_for_all, rest_for_one), gives up after too many
// restarts, and stops them in order (OTP's supervisor). See
// docs/supervision.md.
#ifndef KARA_SUPERVISOR_HPP
#define KARA_SUPERVISOR_HPP

#include "server.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace kara {

/// When a child that ended is restarted.
enum class restart_kind {
  permanent, // always
  transient, // when it ended abnormally (exception or killed)
  temporary  // never (it is removed)
};

/// Which children are restarted when one is.
enum class strategy {
  one_for_one, // that child
  one_for_all, // every child (the others are stopped first)
  rest_for_one // that child and those started after it
};

/// A supervisor's restart policy: more than `intensity` restarts within
/// `period` and the supervisor stops its children and exits with reason
/// exception(kara::restart_limit).
struct supervisor_flags {
  kara::strategy strategy = kara::strategy::one_for_one;
  int intensity = 3;
  std::chrono::milliseconds period{5000};
  using kara_sendable = void;
};

/// What a supervisor needs to (re)start a child. `start` builds a fresh
/// child from sendable values it captured (kara::worker makes one); it gets
/// the child's registered name in the options. `shutdown`: how long the
/// supervisor waits for the child to stop before it kills it; negative
/// waits for ever (the default for child supervisors).
struct child_spec {
  std::string id;
  std::function<process(const start_options &)> start;
  restart_kind restart = restart_kind::permanent;
  std::chrono::milliseconds shutdown{5000};
  std::string name;           // registered for every incarnation, if not empty
  using kara_sendable = void; // `start` captures only sendable values
};

/// A child spec for `kara::start<T>(args...)`: every restart builds a new T
/// from copies of `args` (which must be sendable). Example:
///     kara::worker<Cache>("cache", 1024)
template <class T, class... A> child_spec worker(std::string id, A &&...args) {
  static_assert(detail::check_actor_args<detail::actor_ctor_check, A...>(
                    std::index_sequence_for<A...>{}),
                "kara::worker: start arguments must be sendable");
  child_spec s;
  s.id = std::move(id);
  s.start = [args = std::make_tuple(std::decay_t<A>(std::forward<A>(args))...)](
                const start_options &o) {
    return std::apply(
        [&](const auto &...xs) { return kara::start<T>(o, xs...).pid(); },
        args);
  };
  return s;
}

/// Thrown (as the supervisor's exit reason) when restarts exceed the
/// intensity.
class restart_limit : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A child as `supervisor::children()` reports it.
struct child_info {
  std::string id;
  process proc; // invalid while not running
  restart_kind restart;
  std::size_t restarts; // times this child was restarted
  using kara_sendable = void;
};

namespace detail {

/// The state of a supervisor process (a kara::server).
class supervisor_state {
public:
  supervisor_state(supervisor_flags flags, std::vector<child_spec> children);
  void start_child(reply_to<process> r, child_spec spec);
  void terminate_child(reply_to<bool> r, std::string id);
  void delete_child(reply_to<bool> r, std::string id);
  std::vector<child_info> children() const;
  process which(std::string id) const;
  std::size_t restarts() const noexcept { return restarts_; }
  void handle_info(down d);
  /// Stops the children in reverse start order, also after a kill (the
  /// state is destroyed then too; terminate callbacks are skipped).
  ~supervisor_state();
  supervisor_state(const supervisor_state &) = delete;
  supervisor_state &operator=(const supervisor_state &) = delete;

private:
  struct child {
    child_spec spec;
    process proc;
    monitor_ref ref;
    std::size_t restarts = 0;
  };
  std::size_t find(const std::string &id) const noexcept;
  void start_at(std::size_t i);
  void restart_at(std::size_t i);
  void stop_at(std::size_t i);
  void note_restart(const std::string &id);

  supervisor_flags flags_;
  std::vector<child> children_;
  std::deque<std::chrono::steady_clock::time_point> recent_;
  std::size_t restarts_ = 0;
  process self_;
};

} // namespace detail

/// A handle to a supervisor process. Children are started in order at start
/// and monitored; when one ends, its restart kind and the strategy decide
/// what is restarted, each with a fresh state from its spec. Stopping the
/// supervisor (or its crash) stops the children in reverse start order, each
/// given `spec.shutdown` to end (cancelled cooperatively) before it is
/// killed. A supervisor is itself a process, so supervisors nest
/// (kara::supervisor_spec). Handles are sendable. Example:
///     auto sup = kara::supervisor::start(
///         {kara::strategy::one_for_one, 5, std::chrono::seconds(10)},
///         {kara::worker<Cache>("cache", 1024), kara::worker<Log>("log")});
///     sup.stop();
class supervisor {
public:
  supervisor() noexcept = default;
  /// Starts the supervisor and its children, in order; if a child fails to
  /// start, the ones started are stopped and its exception is rethrown.
  /// Thread-safe.
  static supervisor start(supervisor_flags flags,
                          std::vector<child_spec> children,
                          const start_options &options = {});

  /// Adds and starts a child; rethrows its start failure (the spec is then
  /// not kept), std::invalid_argument for a duplicate id.
  process start_child(child_spec spec) const;
  /// Stops a child (kept, not restarted, unless temporary: then removed).
  /// False if there is no such child.
  bool terminate_child(const std::string &id) const;
  /// Removes a stopped child's spec; false if there is none;
  /// std::logic_error if it is running.
  bool delete_child(const std::string &id) const;
  std::vector<child_info> children() const;
  /// The running process of child `id` (invalid if none).
  process which(const std::string &id) const;
  /// Restarts so far, all children together.
  std::size_t restarts() const;
  const process &pid() const noexcept { return s_.pid(); }
  operator const process &() const noexcept { return s_.pid(); }
  /// The supervisor behind `p` (e.g. a child supervisor), else nullopt.
  static std::optional<supervisor> from(const process &p) {
    auto s = server<detail::supervisor_state>::from(p);
    return s ? std::optional<supervisor>(supervisor(std::move(*s)))
             : std::nullopt;
  }
  /// Asks the supervisor to stop with `r` and waits until it and its
  /// children have ended; returns its exit reason (r, or an earlier one).
  exit_reason stop(exit_reason r = exit_reason::shutdown()) const;
  using kara_sendable = void;

private:
  explicit supervisor(server<detail::supervisor_state> s) : s_(std::move(s)) {}
  server<detail::supervisor_state> s_;
};

/// A child spec for a nested supervisor (waits for ever on shutdown, as
/// OTP's `infinity`).
child_spec supervisor_spec(std::string id, supervisor_flags flags,
                           std::vector<child_spec> children);

} // namespace kara

#endif // KARA_SUPERVISOR_HPP
