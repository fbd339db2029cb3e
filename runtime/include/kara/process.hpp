// kara::process: a mailbox with a lifecycle. Exit reasons, links, monitors,
// trap_exit and self() (SPEC §8, Erlang/OTP processes). Servers, supervisors,
// tasks and event managers are built on it. See docs/supervision.md.
#ifndef KARA_PROCESS_HPP
#define KARA_PROCESS_HPP

#include "future.hpp"

#include "cancel.hpp"
#include "detail/scheduler.hpp"
#include "sendable.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kara {

/// Why a process ended.
enum class exit_kind : unsigned char {
  normal,    // it stopped itself, or finished (a task)
  exception, // a handler threw; error() holds the exception
  killed,    // kill(): ended at once, no terminate callback
  shutdown   // asked to stop (a supervisor, exit())
};

/// The reason a process ended: a kind and, for `exception`, the exception.
/// Cheap to copy (an exception_ptr); sendable. Example:
///     if (r.kind() == kara::exit_kind::exception) log(r.describe());
class exit_reason {
public:
  exit_reason() noexcept = default; // normal
  static exit_reason normal() noexcept { return exit_reason(); }
  static exit_reason shutdown() noexcept {
    return exit_reason(exit_kind::shutdown, nullptr);
  }
  static exit_reason killed() noexcept {
    return exit_reason(exit_kind::killed, nullptr);
  }
  static exit_reason exception(std::exception_ptr e) noexcept {
    return exit_reason(exit_kind::exception, std::move(e));
  }
  exit_kind kind() const noexcept { return kind_; }
  /// The exception of an `exception` reason, else null.
  std::exception_ptr error() const noexcept { return error_; }
  bool is_normal() const noexcept { return kind_ == exit_kind::normal; }
  /// "normal", "shutdown", "killed" or "exception: <what()>". Allocates.
  std::string describe() const;
  friend bool operator==(const exit_reason &a, const exit_reason &b) noexcept {
    return a.kind_ == b.kind_ && a.error_ == b.error_;
  }
  friend bool operator!=(const exit_reason &a, const exit_reason &b) noexcept {
    return !(a == b);
  }
  using kara_sendable = void;

private:
  exit_reason(exit_kind k, std::exception_ptr e) noexcept
      : kind_(k), error_(std::move(e)) {}
  exit_kind kind_ = exit_kind::normal;
  std::exception_ptr error_;
};

/// Thrown to a caller whose request the process could not answer because it
/// exited (before or while handling it). `reason()` says why.
class process_exited : public std::runtime_error {
public:
  explicit process_exited(exit_reason r)
      : std::runtime_error("kara: the process exited (" + r.describe() + ")"),
        reason_(std::move(r)) {}
  const exit_reason &reason() const noexcept { return reason_; }

private:
  exit_reason reason_;
};

/// Thrown by `server::call` when no reply came within the timeout. The
/// request may still run; its late reply is discarded.
class call_timeout : public std::runtime_error {
public:
  call_timeout() : std::runtime_error("kara: the call timed out") {}
};

namespace detail {
class process_core;
} // namespace detail

/// A handle to a process (Erlang's pid): cheap to copy (a pointer and an
/// atomic increment), usable from any thread, sendable, comparable and
/// hashable. A default-constructed handle is invalid. A process lives until
/// it exits, whether or not handles remain; a handle to an exited process
/// stays valid and reports the exit reason.
class process {
public:
  process() noexcept = default;
  explicit process(detail::process_core *c) noexcept; // retains
  process(const process &o) noexcept;
  process(process &&o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
  process &operator=(process o) noexcept {
    std::swap(c_, o.c_);
    return *this;
  }
  ~process();

  bool valid() const noexcept { return c_ != nullptr; }
  /// False once the process has exited (links and monitors have fired).
  bool alive() const noexcept;
  /// The exit reason once exited, else nullopt.
  std::optional<exit_reason> exit_status() const;
  /// A number unique among the processes of this program (starts at 1).
  std::uint64_t id() const noexcept;
  /// Asks the process to stop with `r` (Erlang's exit/2, not trappable):
  /// its running handler is cancelled (kara::cancelled at its next
  /// checkpoint or runtime wait, and every kara::scope / par it runs), queued
  /// messages are dropped (their callers get kara::process_exited), then its
  /// terminate callback runs and links and monitors fire. Returns at once;
  /// no effect on an exited process. Thread-safe; cost: a lock and a queue
  /// push. Example: `p.exit(kara::exit_reason::shutdown());`
  void exit(exit_reason r = exit_reason::shutdown()) const noexcept;
  /// Ends the process at once with reason `killed`: links and monitors fire
  /// now, no terminate callback; a handler that is running is cancelled and
  /// its state is destroyed when it returns (C++ cannot preempt it).
  /// Thread-safe. Example: `p.kill();`
  void kill() const noexcept;
  /// With `on`, exit signals from linked processes arrive as
  /// `kara::exit_signal` messages (handle_info) instead of stopping this one.
  void trap_exit(bool on) const noexcept;

  friend bool operator==(const process &a, const process &b) noexcept {
    return a.c_ == b.c_;
  }
  friend bool operator!=(const process &a, const process &b) noexcept {
    return a.c_ != b.c_;
  }
  detail::process_core *core_() const noexcept { return c_; }
  using kara_sendable = void;

private:
  detail::process_core *c_ = nullptr;
};

/// The process whose handler (or constructor, or terminate callback) runs
/// on this thread; an invalid handle elsewhere. Thread-safe; cost: a
/// thread-local read and an atomic increment.
process self() noexcept;

/// Links two processes: when one exits with a reason other than normal, the
/// other exits with the same reason, or receives a `kara::exit_signal` if it
/// traps exits. Linking to an exited process signals its reason at once.
/// Idempotent; thread-safe (locks both processes). Example:
/// `kara::link(kara::self(), worker);`
void link(const process &a, const process &b);
/// Removes the link; returns whether there was one.
bool unlink(const process &a, const process &b) noexcept;

/// Identifies one monitor; sendable.
struct monitor_ref {
  std::uint64_t id = 0;
  process target;
  friend bool operator==(const monitor_ref &a, const monitor_ref &b) noexcept {
    return a.id == b.id;
  }
  using kara_sendable = void;
};

/// What a watcher receives once when a monitored process ends.
struct down {
  monitor_ref ref;
  process who;
  exit_reason reason;
  using kara_sendable = void;
};

/// What a process that traps exits receives when a linked process exits.
struct exit_signal {
  process from;
  exit_reason reason;
  using kara_sendable = void;
};

/// `watcher` receives exactly one `kara::down` (its `handle_info(kara::down)`)
/// when `target` ends, at once if it already has (with its reason).
/// Monitors stack: two calls give two downs. Thread-safe. Example:
///     kara::monitor_ref r = kara::monitor(kara::self(), worker);
monitor_ref monitor(const process &watcher, const process &target);
/// For code that is not a process: a future of `target`'s exit reason
/// (ready at once if it has exited). Example:
///     kara::exit_reason why = kara::monitor(p).get();
[[nodiscard]] future<exit_reason> monitor(const process &target);
/// Removes a monitor; true if it was still armed (no down was sent yet; a
/// down already queued in the watcher's mailbox stays there).
bool demonitor(const monitor_ref &r) noexcept;

namespace detail {

/// One message in a process's mailbox.
struct process_message {
  virtual ~process_message() = default;
  /// Runs on the process (one at a time). An exception ends the process
  /// with reason exception (then drop() is called).
  virtual void run(process_core &p) = 0;
  /// The message will not run, or its handler threw: fail its reply.
  virtual void drop(const exit_reason &) noexcept {}
};

/// The untyped part of every process: reference count, mailbox, lifecycle,
/// links, monitors, registered name and the cancel state its handlers run
/// under (cancelled when it is asked to exit). At most one drain task runs
/// at a time (`scheduled_`), so handlers never run concurrently.
class process_core : public task {
public:
  void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      delete this;
  }
  /// Queues `m`, or drops it with the exit reason once the process exited.
  void deliver(std::unique_ptr<process_message> m) noexcept;
  void exit(exit_reason r) noexcept;
  void kill() noexcept;
  /// An exit signal from a linked process.
  void signal(const process &from, const exit_reason &r) noexcept;
  bool alive() const noexcept;
  std::optional<exit_reason> status() const;
  /// The reason if exiting or exited (normal otherwise).
  exit_reason reason() const;
  void set_trap_exit(bool on) noexcept;
  std::uint64_t id() const noexcept { return id_; }
  const void *type_tag() const noexcept { return tag_; }
  /// True if a handler of this process is on this thread's stack.
  bool running_here() const noexcept;

  /// Start protocol: a core is born held (no drain runs); `started()`
  /// releases the hold, `abandon()` disposes of a core whose state could
  /// not be built.
  void started() noexcept;
  void abandon() noexcept;

  /// True once asked to exit (or exited).
  bool exiting() const noexcept;

  /// A reply promise dropped unanswered by a handler of this process (on
  /// its thread): resolved after the message, with process_exited if the
  /// handler crashed or the process is exiting, else broken_promise.
  struct orphan {
    virtual ~orphan() = default;
    virtual void resolve(const exit_reason *exited) noexcept = 0;
  };
  void adopt_orphan(std::unique_ptr<orphan> o) {
    orphans_.push_back(std::move(o));
  }

  // Hooks for typed processes, run on the process.
  virtual void on_down(down d);
  /// False: not handled, the signal then acts as if not trapped.
  virtual bool on_exit_signal(exit_signal s);

  // Used by process.cpp (links, monitors, registry).
  struct monitor_entry {
    std::uint64_t id;
    process_core *watcher; // retained; null: `reply` is used
    std::unique_ptr<promise<exit_reason>> reply;
  };
  exit_reason reason_unlocked_() const { return reason_; } // under mutex_
  mutable std::mutex mutex_;
  std::vector<process_core *> links_; // retained
  std::vector<monitor_entry> monitors_;
  std::string name_;
  bool notified_ = false; // links and monitors have fired

protected:
  explicit process_core(const void *tag) noexcept;
  virtual ~process_core();
  /// Before the state is destroyed, unless killed. Must not throw.
  virtual void on_terminate(const exit_reason &) noexcept {}
  virtual void destroy_state() noexcept {}

private:
  enum class phase : unsigned char { running, exiting, dead };
  static void drain(task *t) noexcept;
  void finish() noexcept;
  void notify_exit() noexcept;
  void schedule() noexcept;
  void resolve_orphans() noexcept;

  std::atomic<std::size_t> refs_{2}; // alive + start hold; handles, drains
  std::deque<std::unique_ptr<process_message>> mailbox_;
  phase phase_ = phase::running;
  bool scheduled_ = true; // a drain is queued or running (or the start hold)
  bool trap_exit_ = false;
  bool killed_ = false;
  exit_reason reason_;
  cancel_state cancel_{nullptr};
  std::uint64_t id_;
  const void *tag_;
  std::vector<std::unique_ptr<orphan>> orphans_; // the drain's thread only
};

/// Makes `p` the current process (self()) for a lexical region.
class self_scope {
public:
  explicit self_scope(process_core *p) noexcept;
  ~self_scope();
  self_scope(const self_scope &) = delete;
  self_scope &operator=(const self_scope &) = delete;

private:
  process_core *p_;
  self_scope *outer_;
  friend process kara::self() noexcept;
  friend class process_core;
};

/// A message that runs a callable on the core.
template <class F> struct fn_message final : process_message {
  explicit fn_message(F f) : fn(std::move(f)) {}
  void run(process_core &p) override { fn(p); }
  F fn;
};
template <class F> std::unique_ptr<process_message> make_message(F f) {
  return std::make_unique<fn_message<F>>(std::move(f));
}

} // namespace detail

inline process::process(detail::process_core *c) noexcept : c_(c) {
  if (c_ != nullptr)
    c_->retain();
}
inline process::process(const process &o) noexcept : c_(o.c_) {
  if (c_ != nullptr)
    c_->retain();
}
inline process::~process() {
  if (c_ != nullptr)
    c_->release();
}
inline bool process::alive() const noexcept {
  return c_ != nullptr && c_->alive();
}
inline std::optional<exit_reason> process::exit_status() const {
  return c_ == nullptr ? std::nullopt : c_->status();
}
inline std::uint64_t process::id() const noexcept {
  return c_ == nullptr ? 0 : c_->id();
}
inline void process::exit(exit_reason r) const noexcept {
  if (c_ != nullptr)
    c_->exit(std::move(r));
}
inline void process::kill() const noexcept {
  if (c_ != nullptr)
    c_->kill();
}
inline void process::trap_exit(bool on) const noexcept {
  if (c_ != nullptr)
    c_->set_trap_exit(on);
}

} // namespace kara

template <> struct std::hash<kara::process> {
  std::size_t operator()(const kara::process &p) const noexcept {
    return std::hash<const void *>()(p.core_());
  }
};

#endif // KARA_PROCESS_HPP
