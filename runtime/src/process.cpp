// Processes: mailbox drain, lifecycle, links, monitors and the registry
// (docs/supervision.md).
#include <kara/process.hpp>
#include <kara/registry.hpp>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <typeinfo>
#include <unordered_map>

namespace kara {

std::string exit_reason::describe() const {
  switch (kind_) {
  case exit_kind::normal:
    return "normal";
  case exit_kind::shutdown:
    return "shutdown";
  case exit_kind::killed:
    return "killed";
  case exit_kind::exception:
    break;
  }
  if (!error_)
    return "exception";
  try {
    std::rethrow_exception(error_);
  } catch (const std::exception &e) {
    return std::string("exception: ") + e.what();
  } catch (...) {
    return "exception: (not a std::exception)";
  }
}

namespace detail {
namespace {

std::atomic<std::uint64_t> g_next_process_id{1};
std::atomic<std::uint64_t> g_next_monitor_id{1};
thread_local self_scope *tls_self = nullptr;

// Drops a process from `v` (a vector of retained cores); true if found.
bool erase_core(std::vector<process_core *> &v, process_core *p) noexcept {
  auto it = std::find(v.begin(), v.end(), p);
  if (it == v.end())
    return false;
  v.erase(it);
  return true;
}

struct down_message final : process_message {
  explicit down_message(down d) : value(std::move(d)) {}
  void run(process_core &p) override { p.on_down(std::move(value)); }
  down value;
};

struct exit_message final : process_message {
  explicit exit_message(exit_signal s) : value(std::move(s)) {}
  void run(process_core &p) override {
    exit_reason r = value.reason;
    if (!p.on_exit_signal(std::move(value)) && !r.is_normal())
      p.exit(std::move(r));
  }
  exit_signal value;
};

// The registry: name -> retained core.
struct registry_table {
  std::mutex mutex;
  std::unordered_map<std::string, process_core *> names;
};
registry_table &table() {
  static registry_table *t = new registry_table; // outlives exit-time drains
  return *t;
}

void registry_release(const std::string &name, process_core *p) noexcept {
  registry_table &t = table();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.names.find(name);
  if (it != t.names.end() && it->second == p) {
    t.names.erase(it);
    p->release();
  }
}

} // namespace

self_scope::self_scope(process_core *p) noexcept : p_(p), outer_(tls_self) {
  tls_self = this;
}
self_scope::~self_scope() { tls_self = outer_; }

process_core::process_core(const void *tag) noexcept
    : id_(g_next_process_id.fetch_add(1, std::memory_order_relaxed)),
      tag_(tag) {
  this->run = &drain;
  this->name = "process";
}

process_core::~process_core() = default;

void process_core::on_down(down) {}
bool process_core::on_exit_signal(exit_signal) { return false; }

bool process_core::running_here() const noexcept {
  for (self_scope *s = tls_self; s != nullptr; s = s->outer_)
    if (s->p_ == this)
      return true;
  return false;
}

bool process_core::alive() const noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  return !notified_;
}

std::optional<exit_reason> process_core::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!notified_)
    return std::nullopt;
  return reason_;
}

exit_reason process_core::reason() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reason_;
}

bool process_core::exiting() const noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  return phase_ != phase::running;
}

void process_core::resolve_orphans() noexcept {
  if (orphans_.empty())
    return;
  std::vector<std::unique_ptr<orphan>> os;
  os.swap(orphans_);
  std::optional<exit_reason> why;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (phase_ != phase::running)
      why = reason_;
  }
  for (auto &o : os)
    o->resolve(why ? &*why : nullptr);
}

void report_terminate_error(std::exception_ptr e) noexcept {
  std::fprintf(stderr, "kara: a terminate callback threw (%s); ignored\n",
               exit_reason::exception(std::move(e)).describe().c_str());
}

void process_core::set_trap_exit(bool on) noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  trap_exit_ = on;
}

void process_core::schedule() noexcept {
  retain(); // the drain's reference
  if (!push(this))
    drain(this); // the pool has shut down (exit): run here
}

void process_core::deliver(std::unique_ptr<process_message> m) noexcept {
  exit_reason gone;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (phase_ == phase::running) {
      mailbox_.push_back(std::move(m));
      if (scheduled_)
        return;
      scheduled_ = true;
    } else {
      gone = reason_;
    }
  }
  if (m) {
    m->drop(gone);
    return;
  }
  schedule();
}

void process_core::started() noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (phase_ == phase::running && mailbox_.empty()) {
      scheduled_ = false;
    } else {
      // The drain takes over the hold's reference.
      if (!push(this))
        drain(this);
      return;
    }
  }
  release(); // the hold
}

void process_core::abandon() noexcept {
  std::deque<std::unique_ptr<process_message>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    phase_ = phase::dead;
    notified_ = true;
    reason_ = exit_reason::exception(std::current_exception());
    dropped.swap(mailbox_);
  }
  for (auto &m : dropped)
    m->drop(reason_);
  destroy_state();
  release(); // the hold
  release(); // alive
}

void process_core::exit(exit_reason r) noexcept {
  bool idle = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (phase_ != phase::running)
      return;
    phase_ = phase::exiting;
    reason_ = std::move(r);
    if (!scheduled_)
      idle = scheduled_ = true;
  }
  cancel_.cancel();
  if (idle)
    schedule(); // the drain sees the exit and finishes
}

void process_core::kill() noexcept {
  bool idle = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (notified_)
      return;
    if (phase_ == phase::running)
      phase_ = phase::exiting;
    reason_ = exit_reason::killed();
    killed_ = true;
    if (!scheduled_)
      idle = scheduled_ = true;
  }
  cancel_.cancel();
  notify_exit();
  if (idle)
    schedule(); // destroys the state
}

void process_core::signal(const process &from, const exit_reason &r) noexcept {
  bool trap;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (phase_ != phase::running)
      return;
    trap = trap_exit_;
  }
  if (trap)
    deliver(std::make_unique<exit_message>(exit_signal{from, r}));
  else if (!r.is_normal())
    exit(r);
}

void process_core::drain(task *t) noexcept {
  auto *self = static_cast<process_core *>(t);
  for (;;) {
    {
      self_scope me(self);
      ctx_guard ctx(&self->cancel_);
      // Messages per turn before yielding the worker (fairness).
      constexpr int batch = 64;
      for (int i = 0; i < batch; ++i) {
        std::unique_ptr<process_message> m;
        {
          std::lock_guard<std::mutex> lock(self->mutex_);
          if (self->phase_ != phase::running || self->mailbox_.empty())
            break;
          m = std::move(self->mailbox_.front());
          self->mailbox_.pop_front();
        }
        std::exception_ptr crash;
        try {
          m->run(*self);
        } catch (...) {
          crash = std::current_exception();
        }
        if (crash) {
          // After an exit request the handler's exception (usually
          // kara::cancelled) is a consequence of it, not the reason.
          self->exit(exit_reason::exception(crash));
          m->drop(self->reason());
        }
        m.reset();
        self->resolve_orphans();
      }
    }
    bool done = false;
    {
      std::lock_guard<std::mutex> lock(self->mutex_);
      if (self->phase_ != phase::running)
        done = true;
      else if (self->mailbox_.empty())
        self->scheduled_ = false;
      else if (push(self))
        return; // requeued; the next turn continues
      else
        continue; // the pool has shut down: keep draining here
    }
    if (done)
      self->finish();
    else
      self->release(); // the drain's reference
    return;
  }
}

void process_core::finish() noexcept {
  bool run_terminate;
  exit_reason r;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    run_terminate = !killed_;
    r = reason_;
  }
  if (run_terminate) {
    // Not under the cancelled state: terminate may wait (a supervisor
    // stopping its children).
    self_scope me(this);
    ctx_guard ctx(nullptr);
    on_terminate(r);
  }
  {
    self_scope me(this);
    destroy_state();
  }
  resolve_orphans();
  notify_exit();
  release(); // the drain's reference
  release(); // alive
}

void process_core::notify_exit() noexcept {
  std::deque<std::unique_ptr<process_message>> dropped;
  std::vector<process_core *> links;
  std::vector<monitor_entry> monitors;
  std::string name;
  exit_reason r;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (notified_)
      return;
    notified_ = true;
    phase_ = phase::dead;
    dropped.swap(mailbox_);
    links.swap(links_);
    monitors.swap(monitors_);
    name.swap(name_);
    r = reason_;
  }
  for (auto &m : dropped)
    m->drop(r);
  dropped.clear();
  if (!name.empty())
    registry_release(name, this);
  process me(this);
  for (process_core *l : links) {
    bool had;
    {
      std::lock_guard<std::mutex> lock(l->mutex_);
      had = erase_core(l->links_, this);
    }
    if (had)
      release(); // l's reference to this
    l->signal(me, r);
    l->release();
  }
  for (auto &e : monitors) {
    if (e.watcher != nullptr) {
      e.watcher->deliver(
          std::make_unique<down_message>(down{monitor_ref{e.id, me}, me, r}));
      e.watcher->release();
    } else {
      e.reply->set_value(r);
    }
  }
}

} // namespace detail

process self() noexcept {
  detail::self_scope *s = detail::tls_self;
  return s == nullptr ? process() : process(s->p_);
}

void link(const process &a, const process &b) {
  detail::process_core *x = a.core_(), *y = b.core_();
  if (x == nullptr || y == nullptr)
    throw std::invalid_argument("kara::link: an invalid process handle");
  if (x == y)
    return;
  std::optional<exit_reason> x_gone, y_gone;
  {
    std::scoped_lock lock(x->mutex_, y->mutex_);
    if (x->notified_ || y->notified_) {
      if (x->notified_)
        x_gone = x->reason_unlocked_();
      if (y->notified_)
        y_gone = y->reason_unlocked_();
    } else if (std::find(x->links_.begin(), x->links_.end(), y) ==
               x->links_.end()) {
      x->links_.push_back(y);
      y->links_.push_back(x);
      x->retain();
      y->retain();
    }
  }
  if (x_gone)
    y->signal(a, *x_gone);
  if (y_gone)
    x->signal(b, *y_gone);
}

bool unlink(const process &a, const process &b) noexcept {
  detail::process_core *x = a.core_(), *y = b.core_();
  if (x == nullptr || y == nullptr || x == y)
    return false;
  bool had;
  {
    std::scoped_lock lock(x->mutex_, y->mutex_);
    had = detail::erase_core(x->links_, y);
    if (had)
      detail::erase_core(y->links_, x);
  }
  if (had) {
    x->release();
    y->release();
  }
  return had;
}

monitor_ref monitor(const process &watcher, const process &target) {
  detail::process_core *w = watcher.core_(), *t = target.core_();
  if (w == nullptr || t == nullptr)
    throw std::invalid_argument("kara::monitor: an invalid process handle");
  const std::uint64_t id =
      detail::g_next_monitor_id.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(t->mutex_);
    if (!t->notified_) {
      w->retain();
      t->monitors_.push_back({id, w, nullptr});
      return monitor_ref{id, target};
    }
  }
  w->deliver(std::make_unique<detail::down_message>(
      down{monitor_ref{id, target}, target, t->reason()}));
  return monitor_ref{id, target};
}

future<exit_reason> monitor(const process &target) {
  detail::process_core *t = target.core_();
  if (t == nullptr)
    throw std::invalid_argument("kara::monitor: an invalid process handle");
  auto p = std::make_unique<promise<exit_reason>>();
  future<exit_reason> f = p->get_future();
  {
    std::lock_guard<std::mutex> lock(t->mutex_);
    if (!t->notified_) {
      t->monitors_.push_back(
          {detail::g_next_monitor_id.fetch_add(1, std::memory_order_relaxed),
           nullptr, std::move(p)});
      return f;
    }
  }
  p->set_value(t->reason());
  return f;
}

bool demonitor(const monitor_ref &r) noexcept {
  detail::process_core *t = r.target.core_();
  if (t == nullptr)
    return false;
  detail::process_core *w = nullptr;
  {
    std::lock_guard<std::mutex> lock(t->mutex_);
    auto &ms = t->monitors_;
    auto it = std::find_if(ms.begin(), ms.end(),
                           [&](const auto &e) { return e.id == r.id; });
    if (it == ms.end())
      return false;
    w = it->watcher;
    ms.erase(it);
  }
  if (w != nullptr)
    w->release();
  return true;
}

namespace registry {

void put(const std::string &name, const process &p) {
  detail::process_core *c = p.core_();
  if (c == nullptr)
    throw std::invalid_argument("kara::registry::put: an invalid process");
  detail::registry_table &t = detail::table();
  std::lock_guard<std::mutex> lock(t.mutex);
  if (t.names.count(name) != 0)
    throw name_taken(name);
  {
    std::lock_guard<std::mutex> clock(c->mutex_);
    if (c->notified_)
      throw std::invalid_argument(
          "kara::registry::put: cannot name an exited process '" + name + "'");
    if (!c->name_.empty())
      throw std::invalid_argument(
          "kara::registry::put: the process is already registered as '" +
          c->name_ + "'");
    c->name_ = name;
  }
  t.names.emplace(name, c);
  c->retain();
}

std::optional<process> find(const std::string &name) {
  detail::registry_table &t = detail::table();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.names.find(name);
  if (it == t.names.end())
    return std::nullopt;
  return process(it->second);
}

bool erase(const std::string &name) noexcept {
  detail::registry_table &t = detail::table();
  detail::process_core *c;
  {
    std::lock_guard<std::mutex> lock(t.mutex);
    auto it = t.names.find(name);
    if (it == t.names.end())
      return false;
    c = it->second;
    t.names.erase(it);
    std::lock_guard<std::mutex> clock(c->mutex_);
    c->name_.clear();
  }
  c->release();
  return true;
}

std::size_t size() noexcept {
  detail::registry_table &t = detail::table();
  std::lock_guard<std::mutex> lock(t.mutex);
  return t.names.size();
}

} // namespace registry
} // namespace kara
