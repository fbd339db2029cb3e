// One timer thread for deadlines (with_timeout, sleep_for). Entries fire
// under the timer lock, so disarming synchronises with a firing in progress.
#include "internal.hpp"

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

namespace kara::detail {
namespace {

class timer_thread {
public:
  timer_thread() : thread_([this] { loop(); }) {}

  void arm(timer_node *node) {
    std::lock_guard<std::mutex> lock(mutex_);
    node->fired = false;
    bool earliest =
        entries_.empty() || node->deadline < entries_.begin()->first;
    entries_.emplace(node->deadline, node);
    if (earliest)
      cv_.notify_one();
  }

  bool disarm(timer_node *node) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase({node->deadline, node});
    return node->fired;
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable())
      thread_.join();
  }

private:
  void loop() {
    trace_thread_name("timer", 0);
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      if (entries_.empty()) {
        cv_.wait(lock);
        continue;
      }
      auto first = entries_.begin();
      // A copy: the entry may be erased while the wait releases the lock.
      const clock::time_point next = first->first;
      if (clock::now() < next) {
        cv_.wait_until(lock, next);
        continue;
      }
      timer_node *node = first->second;
      entries_.erase(first);
      node->fired = true;
      node->fire(node);
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::set<std::pair<clock::time_point, timer_node *>> entries_;
  bool stopping_ = false;
  std::thread thread_;
};

std::mutex g_timer_mutex;
timer_thread *g_timer = nullptr; // created on first use, stopped at exit
bool g_timer_stopped = false;

timer_thread *get_timer() {
  std::lock_guard<std::mutex> lock(g_timer_mutex);
  if (g_timer == nullptr && !g_timer_stopped)
    g_timer = new timer_thread;
  return g_timer;
}

} // namespace

void arm_timer(timer_node *node) noexcept {
  ensure_started(); // the timer is stopped by the pool's shutdown
  if (timer_thread *t = get_timer()) {
    t->arm(node);
  } else {
    node->fired = true;
    node->fire(node);
  }
}

bool disarm_timer(timer_node *node) noexcept {
  timer_thread *t = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_timer_mutex);
    t = g_timer;
  }
  return t != nullptr ? t->disarm(node) : node->fired;
}

void timer_shutdown() noexcept {
  timer_thread *t = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_timer_mutex);
    t = g_timer;
    g_timer_stopped = true;
  }
  if (t != nullptr)
    t->stop(); // left allocated: a late disarm may still look at it
}

namespace {
struct sleep_state {
  std::atomic<bool> fired{false};
  completion done{1};
  void fire() noexcept {
    if (!fired.exchange(true, std::memory_order_acq_rel))
      done.arrive();
  }
};
struct sleep_timer : timer_node {
  sleep_state *state = nullptr;
};
struct sleep_waker final : cancel_node {
  sleep_state *state = nullptr;
  parker *thread = nullptr;
  void on_cancel() noexcept override {
    if (state != nullptr)
      state->fire();
    else
      unpark(thread);
  }
};
} // namespace

void sleep_until(clock::time_point deadline) {
  cancel_state *ctx = current_ctx();
  if (ctx != nullptr && ctx->stop_requested())
    throw cancelled();
  if (on_worker()) {
    // Help with other tasks until the timer or a cancellation fires.
    sleep_state state;
    sleep_timer timer;
    timer.deadline = deadline;
    timer.state = &state;
    timer.fire = [](timer_node *n) noexcept {
      static_cast<sleep_timer *>(n)->state->fire();
    };
    sleep_waker waker;
    waker.state = &state;
    arm_timer(&timer);
    if (ctx != nullptr)
      ctx->attach(&waker);
    if (!wait_helping(state.done))
      while (!state.done.done())
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    if (ctx != nullptr)
      ctx->detach(&waker);
    disarm_timer(&timer);
  } else {
    sleep_waker waker;
    waker.thread = this_thread_parker();
    if (ctx != nullptr)
      ctx->attach(&waker);
    while (clock::now() < deadline &&
           !(ctx != nullptr && ctx->stop_requested()))
      park_until(waker.thread, deadline);
    if (ctx != nullptr)
      ctx->detach(&waker);
  }
  if (ctx != nullptr && ctx->stop_requested())
    throw cancelled();
}

} // namespace kara::detail
