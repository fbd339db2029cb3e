// Mailboxes and drain tasks of kara::actor, and the send error handler.
#include "internal.hpp"

#include <kara/actor.hpp>

#include <cstdio>
#include <exception>
#include <thread>
#include <typeinfo>

namespace kara {
namespace {

std::atomic<send_error_handler> g_send_error_handler{nullptr};

void default_send_error(std::exception_ptr e) noexcept {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception &x) {
    std::fprintf(stderr,
                 "kara::actor: a send() handler threw %s: %s (terminating; "
                 "install kara::set_send_error_handler to handle it)\n",
                 typeid(x).name(), x.what());
  } catch (...) {
    std::fprintf(stderr, "kara::actor: a send() handler threw a non-standard "
                         "exception (terminating; install "
                         "kara::set_send_error_handler to handle it)\n");
  }
  std::fflush(stderr);
  std::terminate();
}

} // namespace

send_error_handler set_send_error_handler(send_error_handler h) noexcept {
  return g_send_error_handler.exchange(h, std::memory_order_acq_rel);
}

namespace detail {
namespace {
// The actors whose handlers run on this thread, innermost first (a drain
// can run nested in a wait of a handler of another actor).
struct running_frame {
  const actor_base *actor;
  running_frame *outer;
};
thread_local running_frame *tls_running = nullptr;
} // namespace

bool actor_base::running_here() const noexcept {
  for (running_frame *f = tls_running; f != nullptr; f = f->outer)
    if (f->actor == this)
      return true;
  return false;
}

void report_send_error(std::exception_ptr e) noexcept {
  send_error_handler h = g_send_error_handler.load(std::memory_order_acquire);
  (h != nullptr ? h : default_send_error)(std::move(e));
}

actor_base::actor_base(destroy_fn destroy) noexcept
    : head_(&stub_), tail_(&stub_), destroy_(destroy) {
  this->run = &drain;
  this->name = "actor";
}

// Vyukov's intrusive MPSC queue. The exchange on head_ orders producers; a
// producer between its exchange and its link store makes pop() return null
// for a moment, which drain() spins over (it knows a message is counted).
void actor_base::push_node(mailbox_node *n) noexcept {
  n->next.store(nullptr, std::memory_order_relaxed);
  mailbox_node *prev = head_.exchange(n, std::memory_order_acq_rel);
  prev->next.store(n, std::memory_order_release);
}

mailbox_node *actor_base::pop() noexcept {
  mailbox_node *tail = tail_;
  mailbox_node *next = tail->next.load(std::memory_order_acquire);
  if (tail == &stub_) {
    if (next == nullptr)
      return nullptr;
    tail_ = next;
    tail = next;
    next = next->next.load(std::memory_order_acquire);
  }
  if (next != nullptr) {
    tail_ = next;
    return tail;
  }
  if (tail != head_.load(std::memory_order_acquire))
    return nullptr; // a producer is linking
  push_node(&stub_);
  next = tail->next.load(std::memory_order_acquire);
  if (next != nullptr) {
    tail_ = next;
    return tail;
  }
  return nullptr;
}

void actor_base::enqueue(mailbox_node *n) noexcept {
  push_node(n);
  if (pending_.fetch_add(1, std::memory_order_acq_rel) != 0)
    return; // a drain is queued or running and will see it
  retain(); // the drain's reference
  if (!push(this))
    drain(this); // the pool has shut down (exit): run here
}

void actor_base::drain(task *t) noexcept {
  auto *self = static_cast<actor_base *>(t);
  // Handlers belong to no task: a drain run nested in a waiting task must
  // not see that task's cancellation.
  ctx_guard no_task(nullptr);
  running_frame frame{self, tls_running};
  tls_running = &frame;
  struct pop_frame {
    running_frame *outer;
    ~pop_frame() { tls_running = outer; }
  } restore{frame.outer};
  // Messages per turn before yielding the worker to other tasks (fairness
  // between actors; CAF's default throughput is similar).
  constexpr int batch = 128;
  for (int i = 0;; ++i) {
    mailbox_node *n = self->pop();
    for (unsigned spins = 0; n == nullptr; n = self->pop())
      if (++spins > 64)
        std::this_thread::yield();
    n->invoke(n, self);
    if (self->pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      self->release();
      return;
    }
    if (i + 1 == batch && push(self))
      return; // requeued; the next turn continues
  }
}

} // namespace detail
} // namespace kara
