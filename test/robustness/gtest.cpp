// Robustness corpus: GoogleTest (macros expanding to classes, registries,
// matchers from gmock).
// EXPECT: warning: 'counted_sum' .*Calls.*\[kara-effect-contract\]
// EXPECT: gtest.cpp:[0-9]+:[0-9]+: warning: .*\[kara-annotation\]
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <kara/annotations.hpp>

#include <vector>

int Calls;

[[kara::pure]] int counted_sum(const std::vector<int> &v) {
  ++Calls;
  int s = 0;
  for (int x : v)
    s += x;
  return s;
}

[[kara::pure]] int twice(int x) { return 2 * x; }

class Service {
public:
  virtual ~Service() = default;
  virtual int fetch(int id) = 0;
};
class MockService : public Service {
public:
  MOCK_METHOD(int, fetch, (int id), (override));
};

[[kara::reads(this)]] int through(Service &s) { return s.fetch(1); }

TEST(Corpus, Sum) {
  EXPECT_EQ(counted_sum({1, 2, 3}), 6);
  EXPECT_THAT(std::vector<int>({twice(1), twice(2)}), ::testing::ElementsAre(2, 4));
}

TEST(Corpus, Mock) {
  MockService m;
  EXPECT_CALL(m, fetch(1)).WillOnce(::testing::Return(5));
  ASSERT_EQ(through(m), 5);
}
