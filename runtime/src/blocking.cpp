// The elastic pool for blocking work: a thread is added whenever a job finds
// no idle blocking thread (up to a cap), so sleeping or I/O-bound jobs never
// queue behind each other and compute workers never block on them.
#include "internal.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace kara::detail {
namespace {

constexpr std::size_t max_blocking_threads = 512;

class blocking_pool {
public:
  bool push(task *t) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_)
      return false;
    queue_.push_back(t);
    if (queue_.size() > idle_ && threads_.size() < max_blocking_threads) {
      unsigned index = static_cast<unsigned>(threads_.size());
      threads_.emplace_back([this, index] { loop(index); });
    } else {
      cv_.notify_one();
    }
    return true;
  }

  void stop() {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      threads.swap(threads_);
    }
    cv_.notify_all();
    for (auto &t : threads)
      t.join();
  }

private:
  void loop(unsigned index) {
    trace_thread_name("blocking", index);
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (!queue_.empty()) {
        task *t = queue_.front();
        queue_.pop_front();
        lock.unlock();
        execute(t);
        lock.lock();
        continue;
      }
      if (stopping_)
        return;
      ++idle_;
      cv_.wait(lock);
      --idle_;
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<task *> queue_;
  std::size_t idle_ = 0;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

std::mutex g_blocking_mutex;
blocking_pool *g_blocking = nullptr;
bool g_blocking_stopped = false;

} // namespace

bool push_blocking(task *t) noexcept {
  if (!ensure_started()) // the pool's shutdown also stops this one
    return false;
  blocking_pool *p = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_blocking_mutex);
    if (g_blocking == nullptr && !g_blocking_stopped)
      g_blocking = new blocking_pool;
    p = g_blocking;
  }
  return p != nullptr && p->push(t);
}

void blocking_shutdown() noexcept {
  blocking_pool *p = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_blocking_mutex);
    p = g_blocking;
    g_blocking_stopped = true;
  }
  if (p != nullptr)
    p->stop(); // left allocated: a late push may still look at it
}

} // namespace kara::detail
