// Helpers for the tests of runtime waits (actors, futures, channels, sync).
#ifndef KARA_WAIT_SUPPORT_HPP
#define KARA_WAIT_SUPPORT_HPP

#include "test_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

// Runs `wait` in a spawned task, checks that it is still waiting after a
// while, cancels the task and checks that the wait ended with
// kara::cancelled promptly. `wait` must block until cancelled.
template <class F> void expect_wait_cancels(F wait) {
  std::atomic<bool> started{false};
  auto h = kara::spawn([&] {
    started.store(true);
    wait();
  });
  while (!started.load())
    std::this_thread::yield();
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(h.done()) << "the wait returned before it was cancelled";
  const auto start = test_clock::now();
  h.cancel();
  EXPECT_THROW(h.join(), kara::cancelled);
  EXPECT_LT(ms_since(start), 2000 * kTimeSlack);
}

#endif
