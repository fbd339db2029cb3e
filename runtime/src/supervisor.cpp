// Supervisors: starting, restarting and stopping children
// (docs/supervision.md).
#include <kara/supervisor.hpp>

#include <algorithm>

namespace kara {
namespace detail {
namespace {
// Calls that stop children may wait for each child's shutdown timeout.
constexpr std::chrono::hours long_call{24};
constexpr std::size_t npos = static_cast<std::size_t>(-1);
} // namespace

supervisor_state::supervisor_state(supervisor_flags flags,
                                   std::vector<child_spec> children)
    : flags_(flags), self_(kara::self()) {
  for (auto &spec : children) {
    if (find(spec.id) != npos)
      throw std::invalid_argument("kara::supervisor: duplicate child id '" +
                                  spec.id + "'");
    children_.push_back(child{std::move(spec), {}, {}, 0});
  }
  for (std::size_t i = 0; i < children_.size(); ++i) {
    try {
      start_at(i);
    } catch (...) {
      for (std::size_t j = i; j-- > 0;)
        stop_at(j);
      throw;
    }
  }
}

std::size_t supervisor_state::find(const std::string &id) const noexcept {
  for (std::size_t i = 0; i < children_.size(); ++i)
    if (children_[i].spec.id == id)
      return i;
  return npos;
}

void supervisor_state::start_at(std::size_t i) {
  child &c = children_[i];
  if (!c.spec.start)
    throw std::invalid_argument("kara::supervisor: child '" + c.spec.id +
                                "' has no start function");
  start_options o;
  o.name = c.spec.name;
  c.proc = c.spec.start(o);
  c.ref = monitor(self_, c.proc);
}

void supervisor_state::stop_at(std::size_t i) {
  child &c = children_[i];
  if (!c.proc.valid())
    return;
  demonitor(c.ref); // a down already queued is stale (ref no longer matches)
  future<exit_reason> gone = monitor(c.proc);
  c.proc.exit(exit_reason::shutdown());
  if (c.spec.shutdown.count() < 0) {
    gone.wait();
  } else if (!gone.get_for(c.spec.shutdown)) {
    c.proc.kill(); // did not stop in time: brutal kill
  }
  c.proc = process();
  c.ref = monitor_ref();
}

void supervisor_state::note_restart(const std::string &id) {
  const auto now = std::chrono::steady_clock::now();
  recent_.push_back(now);
  while (!recent_.empty() && now - recent_.front() > flags_.period)
    recent_.pop_front();
  if (recent_.size() > static_cast<std::size_t>(std::max(flags_.intensity, 0)))
    throw restart_limit("kara::supervisor: more than " +
                        std::to_string(flags_.intensity) + " restarts in " +
                        std::to_string(flags_.period.count()) +
                        " ms (last: child '" + id + "')");
  ++restarts_;
}

// Starts child i again (the restart was counted); a start failure counts
// as another restart.
void supervisor_state::restart_at(std::size_t i) {
  ++children_[i].restarts;
  for (;;) {
    try {
      start_at(i);
      return;
    } catch (...) {
    }
    note_restart(children_[i].spec.id);
  }
}

void supervisor_state::handle_info(down d) {
  std::size_t i = 0;
  while (i < children_.size() &&
         !(children_[i].ref == d.ref && children_[i].proc == d.who))
    ++i;
  if (i == children_.size())
    return; // stale: a child this supervisor stopped itself
  child &c = children_[i];
  c.proc = process();
  c.ref = monitor_ref();
  const exit_kind k = d.reason.kind();
  const bool abnormal = k == exit_kind::exception || k == exit_kind::killed;
  if (c.spec.restart == restart_kind::temporary) {
    children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
    return;
  }
  if (c.spec.restart == restart_kind::transient && !abnormal)
    return;
  std::size_t first = i, last = i + 1; // the range to restart
  if (flags_.strategy == strategy::one_for_all) {
    first = 0;
    last = children_.size();
  } else if (flags_.strategy == strategy::rest_for_one) {
    last = children_.size();
  }
  // Stop the others of the range (reverse start order), remembering which
  // ran: only those and the failed child are started again.
  std::vector<bool> again(children_.size(), false);
  again[i] = true;
  for (std::size_t j = last; j-- > first;) {
    if (j != i && children_[j].proc.valid()) {
      again[j] = children_[j].spec.restart != restart_kind::temporary;
      stop_at(j);
    }
  }
  // One restart per failure, however many children it restarts (OTP).
  note_restart(c.spec.id);
  for (std::size_t j = first; j < last; ++j)
    if (again[j])
      restart_at(j);
  // Stopped temporary children are removed.
  for (std::size_t j = last; j-- > first;)
    if (!again[j] && !children_[j].proc.valid() &&
        children_[j].spec.restart == restart_kind::temporary)
      children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(j));
}

void supervisor_state::start_child(reply_to<process> r, child_spec spec) {
  if (find(spec.id) != npos) {
    r.fail(std::make_exception_ptr(std::invalid_argument(
        "kara::supervisor: duplicate child id '" + spec.id + "'")));
    return;
  }
  children_.push_back(child{std::move(spec), {}, {}, 0});
  try {
    start_at(children_.size() - 1);
  } catch (...) {
    children_.pop_back();
    r.fail(std::current_exception());
    return;
  }
  r.reply(children_.back().proc);
}

void supervisor_state::terminate_child(reply_to<bool> r, std::string id) {
  const std::size_t i = find(id);
  if (i == npos) {
    r.reply(false);
    return;
  }
  stop_at(i);
  if (children_[i].spec.restart == restart_kind::temporary)
    children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
  r.reply(true);
}

void supervisor_state::delete_child(reply_to<bool> r, std::string id) {
  const std::size_t i = find(id);
  if (i == npos) {
    r.reply(false);
    return;
  }
  if (children_[i].proc.valid()) {
    r.fail(std::make_exception_ptr(std::logic_error(
        "kara::supervisor::delete_child: child '" + id + "' is running")));
    return;
  }
  children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
  r.reply(true);
}

std::vector<child_info> supervisor_state::children() const {
  std::vector<child_info> out;
  out.reserve(children_.size());
  for (const child &c : children_)
    out.push_back({c.spec.id, c.proc, c.spec.restart, c.restarts});
  return out;
}

process supervisor_state::which(std::string id) const {
  const std::size_t i = find(id);
  return i == npos ? process() : children_[i].proc;
}

supervisor_state::~supervisor_state() {
  // Waits for each child, so not under a cancelled state (e.g. the caller's
  // when start() abandons a supervisor whose name was taken).
  ctx_guard ctx(nullptr);
  for (std::size_t j = children_.size(); j-- > 0;) {
    try {
      stop_at(j);
    } catch (...) {
      children_[j].proc.kill();
    }
  }
}

} // namespace detail

supervisor supervisor::start(supervisor_flags flags,
                             std::vector<child_spec> children,
                             const start_options &options) {
  return supervisor(kara::start<detail::supervisor_state>(options, flags,
                                                          std::move(children)));
}

process supervisor::start_child(child_spec spec) const {
  return s_.call_for(detail::long_call, &detail::supervisor_state::start_child,
                     std::move(spec));
}
bool supervisor::terminate_child(const std::string &id) const {
  return s_.call_for(detail::long_call,
                     &detail::supervisor_state::terminate_child, id);
}
bool supervisor::delete_child(const std::string &id) const {
  return s_.call(&detail::supervisor_state::delete_child, id);
}
std::vector<child_info> supervisor::children() const {
  return s_.call(&detail::supervisor_state::children);
}
process supervisor::which(const std::string &id) const {
  return s_.call(&detail::supervisor_state::which, id);
}
std::size_t supervisor::restarts() const {
  return s_.call(&detail::supervisor_state::restarts);
}
exit_reason supervisor::stop(exit_reason r) const {
  future<exit_reason> gone = monitor(s_.pid());
  s_.exit(std::move(r));
  return gone.get();
}

child_spec supervisor_spec(std::string id, supervisor_flags flags,
                           std::vector<child_spec> children) {
  child_spec s;
  s.id = std::move(id);
  s.shutdown = std::chrono::milliseconds(-1);
  s.start = [flags, children = std::move(children)](const start_options &o) {
    return supervisor::start(flags, children, o).pid();
  };
  return s;
}

} // namespace kara
