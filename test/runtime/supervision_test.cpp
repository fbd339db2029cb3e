// Processes, links, monitors, registry, servers, agents, supervisors, tasks
// and event managers (docs/supervision.md, SPEC §8).
#include "test_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

template <class P> bool eventually(P pred, std::chrono::milliseconds limit) {
  const auto until = test_clock::now() + limit * static_cast<int>(kTimeSlack);
  while (!pred()) {
    if (test_clock::now() > until)
      return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// Terminate callbacks append here (shutdown order).
std::mutex g_log_mutex;
std::vector<std::string> g_log;
void log_line(const std::string &s) {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  g_log.push_back(s);
}
std::vector<std::string> take_log() {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  return std::exchange(g_log, {});
}

struct Counter {
  explicit Counter(int start, std::string tag = "") : n(start), tag(tag) {}
  void add(int k) { n += k; }
  int get() const { return n; }
  void crash() { throw std::runtime_error("crash " + tag); }
  void stall(int ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
  void terminate(const kara::exit_reason &r) {
    if (!tag.empty())
      log_line(tag + ":" + r.describe());
  }
  int n;
  std::string tag;
};

kara::exit_reason wait_exit(const kara::process &p) {
  return kara::monitor(p).get();
}

TEST(Process, ExitReasons) {
  EXPECT_EQ(kara::exit_reason().describe(), "normal");
  EXPECT_EQ(kara::exit_reason::shutdown().describe(), "shutdown");
  EXPECT_EQ(kara::exit_reason::killed().describe(), "killed");
  auto e = kara::exit_reason::exception(
      std::make_exception_ptr(std::runtime_error("x")));
  EXPECT_EQ(e.describe(), "exception: x");
  EXPECT_EQ(e.kind(), kara::exit_kind::exception);
  EXPECT_FALSE(e.is_normal());
  static_assert(kara::is_sendable_v<kara::exit_reason>);
  static_assert(kara::is_sendable_v<kara::process>);
  static_assert(kara::is_sendable_v<kara::server<Counter>>);
}

TEST(Server, CallCastInfoState) {
  struct S {
    int n = 0;
    void add(int k) { n += k; }
    int get() const { return n; }
    void handle_info(std::string s) { n += static_cast<int>(s.size()); }
  };
  auto s = kara::start<S>();
  for (int i = 0; i < 100; ++i)
    s.cast(&S::add, 1);
  s.info(std::string("abc"));
  EXPECT_EQ(s.call(&S::get), 103);
  EXPECT_TRUE(s.alive());
  s.exit();
  EXPECT_EQ(wait_exit(s).kind(), kara::exit_kind::shutdown);
  EXPECT_FALSE(s.alive());
  // A call to an exited server fails at once with its reason.
  try {
    (void)s.call(&S::get);
    FAIL();
  } catch (const kara::process_exited &e) {
    EXPECT_EQ(e.reason().kind(), kara::exit_kind::shutdown);
  }
}

TEST(Server, DeferredReply) {
  struct S {
    std::vector<kara::reply_to<int>> waiting;
    void wait_for_value(kara::reply_to<int> r) {
      waiting.push_back(std::move(r));
    }
    void release(int v) {
      for (auto &r : waiting)
        r.reply(v);
      waiting.clear();
    }
    void refuse(kara::reply_to<int> r) {
      r.fail(std::make_exception_ptr(std::invalid_argument("no")));
    }
    void drop(kara::reply_to<int>) {}
  };
  auto s = kara::start<S>();
  std::vector<kara::future<int>> fs;
  for (int i = 0; i < 3; ++i)
    fs.push_back(s.ask(&S::wait_for_value));
  s.cast(&S::release, 7);
  for (auto &f : fs)
    EXPECT_EQ(f.get(), 7);
  EXPECT_THROW((void)s.call(&S::refuse), std::invalid_argument);
  EXPECT_TRUE(s.alive()); // fail() reports, the server carries on
  EXPECT_THROW((void)s.call(&S::drop), kara::broken_promise);
  // Pending deferred replies fail with the exit reason when it stops.
  auto pending = s.ask(&S::wait_for_value);
  s.exit();
  (void)wait_exit(s);
  EXPECT_THROW((void)pending.get(), kara::process_exited);
}

TEST(Server, CallTimeout) {
  auto s = kara::start<Counter>(0);
  const auto t0 = test_clock::now();
  EXPECT_THROW((void)s.call_for(30ms, &Counter::stall, 400),
               kara::call_timeout);
  EXPECT_LT(ms_since(t0), 350);
  EXPECT_EQ(s.call(&Counter::get), 0); // still serving afterwards
  s.exit();
  (void)wait_exit(s);
}

TEST(Server, DeathDuringCallAndQueuedCalls) {
  auto s = kara::start<Counter>(0, std::string("d"));
  // The crashing call and the calls queued behind it all fail with the
  // crash's exception as the reason.
  auto f1 = s.ask(&Counter::stall, 50);
  auto f2 = s.ask(&Counter::crash);
  auto f3 = s.ask(&Counter::get);
  EXPECT_NO_THROW(f1.get());
  auto expect_exited = [](auto &f) {
    try {
      (void)f.get();
      FAIL();
    } catch (const kara::process_exited &e) {
      EXPECT_EQ(e.reason().kind(), kara::exit_kind::exception);
      EXPECT_EQ(std::string(e.what()),
                "kara: the process exited (exception: crash d)");
    }
  };
  expect_exited(f2);
  expect_exited(f3);
  EXPECT_EQ(wait_exit(s).describe(), "exception: crash d");
  EXPECT_EQ(take_log(), std::vector<std::string>{"d:exception: crash d"});
}

TEST(Server, CallToSelfIsACycle) {
  struct S {
    int ask_self() {
      return kara::server<S>::from(kara::self())->call(&S::one);
    }
    int one() { return 1; }
  };
  auto s = kara::start<S>();
  EXPECT_THROW((void)s.call(&S::ask_self), kara::process_exited);
  EXPECT_EQ(wait_exit(s).kind(), kara::exit_kind::exception);
}

std::atomic<int> g_started{0};

TEST(Server, ShutdownCancelsTheScopeItRuns) {
  struct S {
    void work() {
      kara::scope([&](kara::nursery &n) {
        for (int i = 0; i < 4; ++i)
          n.spawn([] {
            g_started.fetch_add(1);
            for (;;) {
              kara::this_task::checkpoint();
              kara::this_task::sleep_for(1ms);
            }
          });
      });
    }
  };
  g_started = 0;
  auto p = kara::start<S>();
  auto f = p.ask(&S::work);
  ASSERT_TRUE(eventually([&] { return g_started.load() == 4; }, 5000ms));
  const auto t0 = test_clock::now();
  p.exit();
  EXPECT_EQ(wait_exit(p).kind(), kara::exit_kind::shutdown);
  EXPECT_LT(ms_since(t0), 2000 * kTimeSlack);
  EXPECT_THROW((void)f.get(), kara::process_exited);
}

TEST(Server, ScopeAndParInsideAHandler) {
  struct S {
    long sum(int n) {
      auto [a, b] = kara::par([&] { return long(n); }, [&] { return 2L * n; });
      long t = kara::scope([&](kara::nursery &ns) {
        auto h = ns.spawn([] { return 10L; });
        return h.join();
      });
      return a + b + t;
    }
  };
  auto s = kara::start<S>();
  EXPECT_EQ(s.call(&S::sum, 5), 25);
  s.exit();
  (void)wait_exit(s);
}

TEST(Link, AbnormalExitPropagatesNormalDoesNot) {
  auto a = kara::start<Counter>(0);
  auto b = kara::start<Counter>(0);
  auto c = kara::start<Counter>(0);
  kara::link(a, b);
  kara::link(b, c);
  b.cast(&Counter::crash);
  EXPECT_EQ(wait_exit(a).describe(), "exception: crash ");
  EXPECT_EQ(wait_exit(c).describe(), "exception: crash ");
  auto d = kara::start<Counter>(0);
  auto e = kara::start<Counter>(0);
  kara::link(d, e);
  d.exit(kara::exit_reason::normal());
  EXPECT_TRUE(wait_exit(d).is_normal());
  EXPECT_TRUE(e.alive());
  EXPECT_EQ(e.call(&Counter::get), 0);
  e.exit();
  (void)wait_exit(e);
  // Linking to an exited process signals at once.
  auto f = kara::start<Counter>(0);
  kara::link(f, a);
  EXPECT_EQ(wait_exit(f).describe(), "exception: crash ");
}

TEST(Link, TrapExitReceivesTheSignal) {
  struct Trapper {
    std::vector<std::string> seen;
    void handle_info(kara::exit_signal s) {
      seen.push_back(s.reason.describe());
    }
    std::vector<std::string> get() const { return seen; }
  };
  kara::start_options o;
  o.trap_exit = true;
  auto t = kara::start<Trapper>(o);
  auto w = kara::start<Counter>(0);
  kara::link(t, w);
  w.kill();
  ASSERT_TRUE(
      eventually([&] { return t.call(&Trapper::get).size() == 1; }, 5000ms));
  EXPECT_EQ(t.call(&Trapper::get)[0], "killed");
  EXPECT_TRUE(t.alive());
  EXPECT_FALSE(kara::unlink(t, w)); // the link went with w
  t.exit();
  (void)wait_exit(t);
}

TEST(Monitor, DownExactlyOnce) {
  struct Watcher {
    std::map<std::uint64_t, int> downs;
    std::string last;
    void handle_info(kara::down d) {
      ++downs[d.ref.id];
      last = d.reason.describe();
    }
    std::map<std::uint64_t, int> get() const { return downs; }
  };
  constexpr int watchers = 8, per = 4;
  std::vector<kara::server<Watcher>> ws;
  for (int i = 0; i < watchers; ++i)
    ws.push_back(kara::start<Watcher>());
  auto target = kara::start<Counter>(0);
  std::vector<kara::monitor_ref> refs;
  // Monitors armed from several threads at once.
  std::vector<std::thread> th;
  std::mutex m;
  for (int i = 0; i < watchers; ++i)
    th.emplace_back([&, i] {
      for (int k = 0; k < per; ++k) {
        auto r = kara::monitor(ws[i], target);
        std::lock_guard<std::mutex> lock(m);
        refs.push_back(r);
      }
    });
  for (auto &t : th)
    t.join();
  ASSERT_TRUE(kara::demonitor(refs.back())); // one disarmed: no down for it
  EXPECT_FALSE(kara::demonitor(refs.back()));
  // Exit requests and a kill race; one reason wins, each monitor fires once.
  std::thread killer([&] { target.kill(); });
  target.exit();
  target.cast(&Counter::crash);
  killer.join();
  (void)wait_exit(target);
  for (auto &w : ws) // after the last down, nothing more may arrive
    (void)w.call(&Watcher::get);
  std::this_thread::sleep_for(20ms);
  int total = 0;
  for (auto &w : ws) {
    for (auto [id, n] : w.call(&Watcher::get)) {
      EXPECT_EQ(n, 1) << "monitor " << id;
      EXPECT_NE(id, refs.back().id);
      total += n;
    }
  }
  EXPECT_EQ(total, watchers * per - 1);
  // A monitor of an exited process fires at once with its reason.
  auto late = kara::monitor(ws[0], target);
  ASSERT_TRUE(eventually(
      [&] { return ws[0].call(&Watcher::get).count(late.id) == 1; }, 5000ms));
  for (auto &w : ws)
    w.exit();
  for (auto &w : ws)
    (void)wait_exit(w);
}

kara::start_options named(std::string name) {
  kara::start_options o;
  o.name = std::move(name);
  return o;
}

TEST(Registry, NamesReleaseAndDuplicates) {
  auto a = kara::start<Counter>(1);
  kara::registry::put("reg.counter", a);
  auto other = kara::start<Counter>(2);
  EXPECT_THROW(kara::registry::put("reg.counter", other), kara::name_taken);
  other.exit();
  (void)wait_exit(other);
  auto found = kara::registry::find("reg.counter");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, a.pid());
  auto typed = kara::server<Counter>::from(*found);
  ASSERT_TRUE(typed.has_value());
  EXPECT_EQ(typed->call(&Counter::get), 1);
  EXPECT_FALSE(kara::server<std::string>::from(*found).has_value());
  EXPECT_THROW(kara::registry::put("reg.other", a), std::invalid_argument);
  a.kill();
  // Released before the monitor fires: the name is free when down arrives.
  (void)wait_exit(a);
  EXPECT_FALSE(kara::registry::find("reg.counter").has_value());
  EXPECT_THROW(kara::registry::put("reg.dead", a), std::invalid_argument);
  auto b = kara::start<Counter>(named("reg.counter"), 3);
  EXPECT_EQ(kara::server<Counter>::from(*kara::registry::find("reg.counter"))
                ->call(&Counter::get),
            3);
  EXPECT_THROW((void)kara::start<Counter>(named("reg.counter"), 4),
               kara::name_taken);
  EXPECT_TRUE(kara::registry::erase("reg.counter"));
  EXPECT_FALSE(kara::registry::erase("reg.counter"));
  b.exit();
  (void)wait_exit(b);
  EXPECT_EQ(kara::registry::size(), 0u);
}

TEST(Agent, GetUpdateCast) {
  auto a = kara::agent<std::vector<int>>::start(std::size_t(2), 5);
  a.update([](std::vector<int> &v) { v.push_back(1); });
  a.cast([](std::vector<int> &v) { v.push_back(2); });
  EXPECT_EQ(a.get([](const std::vector<int> &v) { return v.size(); }), 4u);
  EXPECT_EQ(a.get_and_update([](std::vector<int> &v) {
    int x = v.back();
    v.pop_back();
    return x;
  }),
            2);
  a.exit();
  (void)wait_exit(a.pid());
}

// --- supervisors -------------------------------------------------------

std::vector<kara::process> pids(const kara::supervisor &s) {
  std::vector<kara::process> out;
  for (auto &c : s.children())
    out.push_back(c.proc);
  return out;
}

// Crashes child 1 of three and returns the pids before and after restart.
std::pair<std::vector<kara::process>, std::vector<kara::process>>
crash_middle(kara::strategy how) {
  auto sup =
      kara::supervisor::start({how, 5, 10s}, {kara::worker<Counter>("a", 10),
                                              kara::worker<Counter>("b", 20),
                                              kara::worker<Counter>("c", 30)});
  auto before = pids(sup);
  auto b = *kara::server<Counter>::from(before[1]);
  b.cast(&Counter::add, 5);
  EXPECT_EQ(b.call(&Counter::get), 25);
  b.cast(&Counter::crash);
  EXPECT_TRUE(eventually([&] { return sup.restarts() == 1; }, 5000ms));
  auto after = pids(sup);
  // The restarted child has fresh state from its start arguments.
  EXPECT_EQ(kara::server<Counter>::from(after[1])->call(&Counter::get), 20);
  for (auto &p : after)
    EXPECT_TRUE(p.alive());
  EXPECT_EQ(sup.stop().kind(), kara::exit_kind::shutdown);
  for (auto &p : after)
    EXPECT_FALSE(p.alive());
  return {before, after};
}

TEST(Supervisor, OneForOne) {
  auto [before, after] = crash_middle(kara::strategy::one_for_one);
  EXPECT_EQ(before[0], after[0]);
  EXPECT_NE(before[1], after[1]);
  EXPECT_EQ(before[2], after[2]);
}

TEST(Supervisor, OneForAll) {
  auto [before, after] = crash_middle(kara::strategy::one_for_all);
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(before[i], after[i]);
  EXPECT_EQ(before[0].exit_status()->kind(), kara::exit_kind::shutdown);
}

TEST(Supervisor, RestForOne) {
  auto [before, after] = crash_middle(kara::strategy::rest_for_one);
  EXPECT_EQ(before[0], after[0]);
  EXPECT_NE(before[1], after[1]);
  EXPECT_NE(before[2], after[2]);
}

TEST(Supervisor, IntensityStopsARestartStorm) {
  auto sup = kara::supervisor::start(
      {kara::strategy::one_for_one, 3, 10s},
      {kara::worker<Counter>("steady", 0), kara::worker<Counter>("storm", 0)});
  auto steady = sup.which("steady");
  auto gone = kara::monitor(sup.pid());
  auto storm = [&]() -> kara::process {
    try {
      return sup.which("storm");
    } catch (const kara::process_exited &) {
      return {};
    }
  };
  int crashes = 0;
  for (kara::process p = storm(); p.valid() && crashes < 100;) {
    kara::server<Counter>::from(p)->cast(&Counter::crash);
    ++crashes;
    kara::process next;
    (void)eventually(
        [&] {
          next = storm();
          return gone.ready() || (next.valid() && next != p);
        },
        5000ms);
    p = gone.ready() ? kara::process() : next;
  }
  kara::exit_reason why = gone.get();
  EXPECT_EQ(crashes, 4); // 3 restarts allowed, the 4th crash ends it
  ASSERT_EQ(why.kind(), kara::exit_kind::exception);
  EXPECT_NE(why.describe().find("more than 3 restarts"), std::string::npos)
      << why.describe();
  EXPECT_THROW(std::rethrow_exception(why.error()), kara::restart_limit);
  EXPECT_FALSE(steady.alive()); // the supervisor stopped the others
  EXPECT_EQ(steady.exit_status()->kind(), kara::exit_kind::shutdown);
}

TEST(Supervisor, RestartKinds) {
  auto sup =
      kara::supervisor::start({kara::strategy::one_for_one, 10, 10s}, {});
  auto t = kara::worker<Counter>("transient", 0);
  t.restart = kara::restart_kind::transient;
  auto tmp = kara::worker<Counter>("temporary", 0);
  tmp.restart = kara::restart_kind::temporary;
  auto tp = sup.start_child(t);
  auto mp = sup.start_child(tmp);
  EXPECT_THROW((void)sup.start_child(tmp), std::invalid_argument);
  tp.exit(kara::exit_reason::normal()); // a normal exit: not restarted
  ASSERT_TRUE(
      eventually([&] { return !sup.which("transient").valid(); }, 5000ms));
  EXPECT_EQ(sup.restarts(), 0u);
  mp.kill(); // temporary: removed
  ASSERT_TRUE(eventually([&] { return sup.children().size() == 1; }, 5000ms));
  EXPECT_TRUE(sup.delete_child("transient"));
  EXPECT_TRUE(sup.children().empty());
  auto again = sup.start_child(t);
  again.kill(); // transient, abnormal: restarted
  ASSERT_TRUE(eventually([&] { return sup.restarts() == 1; }, 5000ms));
  EXPECT_THROW((void)sup.delete_child("transient"), std::logic_error);
  EXPECT_TRUE(sup.terminate_child("transient"));
  EXPECT_FALSE(sup.which("transient").valid());
  EXPECT_FALSE(sup.terminate_child("nope"));
  // A start failure is the caller's error; the supervisor carries on.
  struct Bad {
    Bad() { throw std::runtime_error("cannot start"); }
  };
  EXPECT_THROW((void)sup.start_child(kara::worker<Bad>("bad")),
               std::runtime_error);
  EXPECT_EQ(sup.children().size(), 1u);
  sup.stop();
}

TEST(Supervisor, ShutdownOrderAndTimeout) {
  take_log();
  std::vector<kara::child_spec> cs;
  for (const char *id : {"first", "second", "third"})
    cs.push_back(kara::worker<Counter>(id, 0, std::string(id)));
  cs[1].shutdown = 20ms;
  auto sup = kara::supervisor::start({}, cs);
  // "second" is busy in a handler that ignores cancellation: after its
  // 20 ms it is killed (no terminate callback) and the rest go on.
  auto second = *kara::server<Counter>::from(sup.which("second"));
  auto busy = second.ask(&Counter::stall, 400);
  std::this_thread::sleep_for(10ms);
  const auto t0 = test_clock::now();
  sup.stop();
  EXPECT_LT(ms_since(t0), 380);
  EXPECT_EQ(take_log(),
            (std::vector<std::string>{"third:shutdown", "first:shutdown"}));
  EXPECT_EQ(second.pid().exit_status()->kind(), kara::exit_kind::killed);
  EXPECT_THROW(busy.get(), kara::process_exited);
}

TEST(Supervisor, KilledSupervisorStopsItsChildren) {
  auto sup = kara::supervisor::start(
      {}, {kara::worker<Counter>("a", 0), kara::worker<Counter>("b", 0)});
  auto a = sup.which("a"), b = sup.which("b");
  sup.pid().kill();
  EXPECT_EQ(wait_exit(a).kind(), kara::exit_kind::shutdown);
  EXPECT_EQ(wait_exit(b).kind(), kara::exit_kind::shutdown);
  EXPECT_EQ(sup.pid().exit_status()->kind(), kara::exit_kind::killed);
}

TEST(Supervisor, NoMessageLostAcrossASiblingRestart) {
  auto sup = kara::supervisor::start(
      {kara::strategy::one_for_one, 1000000, 10s},
      {kara::worker<Counter>("steady", 0), kara::worker<Counter>("flaky", 0)});
  auto steady = *kara::server<Counter>::from(sup.which("steady"));
  std::atomic<bool> stop{false};
  std::thread chaos([&] {
    while (!stop.load()) {
      kara::process p = sup.which("flaky");
      if (p.valid())
        p.kill();
      std::this_thread::sleep_for(200us);
    }
  });
  // Send until the sibling has been restarted a few times (and at least
  // 20000 messages), interleaving casts with calls.
  const int min_n = 20000 / static_cast<int>(kStressScale);
  const auto give_up = test_clock::now() + 10s;
  int n = 0;
  while (n < min_n || (sup.restarts() < 10 && test_clock::now() < give_up)) {
    for (int k = 0; k < 999; ++k)
      steady.cast(&Counter::add, 1);
    (void)steady.call(&Counter::add, 1);
    n += 1000;
  }
  EXPECT_EQ(steady.call(&Counter::get), n);
  stop = true;
  chaos.join();
  EXPECT_EQ(sup.which("steady"), steady.pid());
  EXPECT_GE(sup.restarts(), 10u);
  sup.stop();
}

TEST(Supervisor, TenThousandChildren) {
  const int n = 10000;
  const auto t0 = test_clock::now();
  std::vector<kara::child_spec> cs;
  cs.reserve(n);
  for (int i = 0; i < n; ++i)
    cs.push_back(kara::worker<Counter>("w" + std::to_string(i), i));
  auto sup = kara::supervisor::start({kara::strategy::one_for_one, n, 60s}, cs);
  auto kids = sup.children();
  ASSERT_EQ(kids.size(), static_cast<std::size_t>(n));
  // Kill every 100th child: each comes back with its own start state.
  for (int i = 0; i < n; i += 100)
    kids[i].proc.kill();
  ASSERT_TRUE(eventually([&] { return sup.restarts() == n / 100; }, 20000ms));
  EXPECT_EQ(
      kara::server<Counter>::from(sup.which("w4200"))->call(&Counter::get),
      4200);
  kids = sup.children();
  sup.stop();
  for (auto &k : kids)
    EXPECT_FALSE(k.proc.alive());
  std::printf("[ figures  ] 10^4 children: start+kill 100+stop %.0f ms\n",
              ms_since(t0));
}

TEST(Supervisor, NestedTreeEscalates) {
  // The inner supervisor gives up after one restart; the outer restarts it
  // with a fresh child.
  auto inner =
      kara::supervisor_spec("inner", {kara::strategy::one_for_one, 1, 10s},
                            {kara::worker<Counter>("leaf", 7)});
  auto outer =
      kara::supervisor::start({kara::strategy::one_for_one, 5, 10s},
                              {inner, kara::worker<Counter>("peer", 1)});
  auto peer = outer.which("peer");
  auto inner1 = outer.which("inner");
  auto inner_sup = [&] {
    return *kara::supervisor::from(outer.which("inner"));
  };
  auto leaf = [&] {
    return *kara::server<Counter>::from(inner_sup().which("leaf"));
  };
  leaf().kill();
  ASSERT_TRUE(eventually([&] { return inner_sup().restarts() == 1; }, 5000ms));
  leaf().kill(); // the second restart is over the inner limit
  ASSERT_TRUE(eventually([&] { return outer.restarts() == 1; }, 5000ms));
  EXPECT_NE(outer.which("inner"), inner1);
  EXPECT_EQ(inner1.exit_status()->kind(), kara::exit_kind::exception);
  EXPECT_EQ(outer.which("peer"), peer);
  EXPECT_EQ(leaf().call(&Counter::get), 7);
  outer.stop();
  EXPECT_FALSE(peer.alive());
}

TEST(Supervisor, NamedChildIsReRegistered) {
  auto spec = kara::worker<Counter>("named", 5);
  spec.name = "sup.named";
  auto sup = kara::supervisor::start({}, {spec});
  auto first = *kara::registry::find("sup.named");
  first.kill();
  ASSERT_TRUE(eventually(
      [&] {
        auto p = kara::registry::find("sup.named");
        return p && *p != first;
      },
      5000ms));
  sup.stop();
  EXPECT_FALSE(kara::registry::find("sup.named").has_value());
}

// --- tasks and events --------------------------------------------------

TEST(Task, ResultExceptionCancel) {
  auto t = kara::start_task([](int x) { return x * 2; }, 21);
  EXPECT_EQ(t.get(), 42);
  EXPECT_TRUE(wait_exit(t.pid()).is_normal());
  auto bad = kara::start_task([] { throw std::runtime_error("task"); });
  EXPECT_THROW(bad.get(), std::runtime_error);
  EXPECT_EQ(wait_exit(bad.pid()).describe(), "exception: task");
  auto forever = kara::start_task([] {
    kara::scope([](kara::nursery &n) {
      n.spawn([] {
        for (;;)
          kara::this_task::sleep_for(1ms);
      });
    });
  });
  std::this_thread::sleep_for(5ms);
  forever.cancel();
  EXPECT_THROW(forever.get(), kara::process_exited);
  EXPECT_EQ(wait_exit(forever.pid()).kind(), kara::exit_kind::shutdown);
}

TEST(Event, FailingHandlerRemovedOthersUnaffected) {
  static std::atomic<int> hooked{0};
  hooked = 0;
  auto ev = kara::event_manager<int>::start(
      [](const kara::handler_failure &) { hooked.fetch_add(1); });
  auto seen = kara::agent<std::vector<int>>::start();
  ev.subscribe([seen](const int &e) {
    seen.cast([e](std::vector<int> &v) { v.push_back(e); });
  });
  auto bad = ev.subscribe([](const int &e) {
    if (e == 2)
      throw std::runtime_error("handler");
  });
  ev.subscribe([seen](const int &e) {
    seen.cast([e](std::vector<int> &v) { v.push_back(-e); });
  });
  for (int e = 1; e <= 3; ++e)
    ev.publish(e);
  ev.sync_publish(4);
  EXPECT_EQ(seen.get([](const std::vector<int> &v) { return v; }),
            (std::vector<int>{1, -1, 2, -2, 3, -3, 4, -4}));
  EXPECT_EQ(ev.handlers(), 2u);
  auto fs = ev.failures();
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].id, bad);
  EXPECT_EQ(fs[0].reason.describe(), "exception: handler");
  EXPECT_EQ(hooked.load(), 1);
  EXPECT_FALSE(ev.unsubscribe(bad));
  EXPECT_TRUE(ev.pid().alive());
  ev.exit();
  seen.exit();
  (void)wait_exit(seen.pid());
  (void)wait_exit(ev.pid());
}

} // namespace
