#include "wait_support.hpp"

#include <kara/runtime.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

static_assert(kara::is_sendable_v<kara::channel<int>>);

TEST(Channel, FifoAndCapacity) {
  kara::channel<int> ch(3);
  EXPECT_EQ(ch.capacity(), 3u);
  EXPECT_TRUE(ch.try_send(1));
  EXPECT_TRUE(ch.try_send(2));
  ch.send(3);
  EXPECT_FALSE(ch.try_send(4)) << "full";
  EXPECT_EQ(ch.size(), 3u);
  EXPECT_EQ(ch.recv(), 1);
  EXPECT_EQ(ch.try_recv(), 2);
  EXPECT_EQ(ch.recv(), 3);
  EXPECT_EQ(ch.try_recv(), std::nullopt);
  EXPECT_THROW(kara::channel<int>(0), std::invalid_argument);
}

TEST(Channel, CloseDrainsThenEnds) {
  kara::channel<std::string> ch(4);
  ch.send("a");
  ch.send("b");
  ch.close();
  EXPECT_TRUE(ch.closed());
  EXPECT_THROW(ch.send("c"), kara::channel_closed);
  EXPECT_FALSE(ch.try_send("c"));
  std::vector<std::string> got;
  for (std::string s : ch)
    got.push_back(s);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ch.recv(), std::nullopt);
}

TEST(Channel, MoveOnlyValues) {
  kara::channel<kara::unique<std::vector<int>>> ch(1);
  ch.send(kara::recover([] { return std::vector<int>(3); }));
  auto v = ch.recv();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->get().size(), 3u);
}

// Multi-producer multi-consumer on OS threads: every value exactly once.
TEST(Channel, MpmcNoLossNoDuplicates) {
  constexpr int producers = 4, consumers = 4;
  const int per = static_cast<int>(50000 / kStressScale);
  kara::channel<int> ch(8);
  std::vector<std::atomic<int>> seen(static_cast<std::size_t>(producers * per));
  std::vector<std::thread> ts;
  for (int c = 0; c < consumers; ++c)
    ts.emplace_back([&] {
      for (int v : ch)
        seen[static_cast<std::size_t>(v)].fetch_add(1);
    });
  std::vector<std::thread> ps;
  for (int p = 0; p < producers; ++p)
    ps.emplace_back([&, p] {
      for (int i = 0; i < per; ++i)
        ch.send(p * per + i);
    });
  for (auto &t : ps)
    t.join();
  ch.close();
  for (auto &t : ts)
    t.join();
  int bad = 0;
  for (auto &s : seen)
    bad += s.load() != 1;
  EXPECT_EQ(bad, 0);
}

// Producer and consumer as pool tasks: each waits in turn on a tiny channel.
TEST(Channel, TasksOnThePool) {
  if (!KARA_DETAIL_WAIT_COMPENSATES && kara::thread_count() < 2)
    GTEST_SKIP() << "needs two workers until parked workers are replaced";
  kara::channel<int> ch(1);
  const int n = static_cast<int>(20000 / kStressScale);
  long sum = 0;
  kara::scope([&](kara::nursery &nur) {
    (void)nur.spawn([ch, n] {
      for (int i = 1; i <= n; ++i)
        ch.send(i);
      ch.close();
    });
    (void)nur.spawn([ch, &sum] {
      for (int v : ch)
        sum += v;
    });
  });
  EXPECT_EQ(sum, long{n} * (n + 1) / 2);
}

TEST(Channel, CloseWakesBlockedReceiver) {
  kara::channel<int> ch(2);
  auto h = kara::spawn([ch] { return ch.recv(); });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(h.done());
  ch.close();
  EXPECT_EQ(h.join(), std::nullopt);
}

TEST(Channel, CloseWakesBlockedSender) {
  kara::channel<int> ch(1);
  ch.send(1);
  auto h = kara::spawn([ch] { ch.send(2); });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(h.done());
  ch.close();
  EXPECT_THROW(h.join(), kara::channel_closed);
  EXPECT_EQ(ch.recv(), 1) << "what was queued before close is still there";
  EXPECT_EQ(ch.recv(), std::nullopt);
}

TEST(ChannelCancel, RecvAndSend) {
  kara::channel<int> ch(1);
  expect_wait_cancels([ch] { (void)ch.recv(); });
  ch.send(1);
  expect_wait_cancels([ch] { ch.send(2); });
  // The cancelled waiters left no trace: the channel still works.
  EXPECT_EQ(ch.recv(), 1);
  EXPECT_TRUE(ch.try_send(3));
  EXPECT_EQ(ch.recv(), 3);
}

} // namespace
