// Races between the sides of a spawn site (SPEC §3, §6): captured locals
// written by one side and used by another, thread-safe types, by-copy
// captures, sides that run concurrently with themselves, and writes through
// captured pointers.
#include "TestUnit.h"

#include "kara/Analysis/Concurrency.h"
#include "kara/Analysis/Sendability.h"

using namespace kara;
using kara::test::TestUnit;

namespace {
/// The races of the first spawn site of function `f` in Code.
struct Races {
  explicit Races(const char *Code, const char *Entry = "par")
      : U(Code, "", kara::test::MockRuntime),
        Site(spawnSiteFor(U.call(Entry), U.fn("f"), U.ctx())) {
    EXPECT_TRUE(Site);
    if (Site) {
      Locals = findCapturedLocalRaces(*Site, *U.Analysis, U.fn("f"), U.ctx());
      Aliases = findAliasRaces(*Site, U.ctx());
    }
  }
  TestUnit U;
  std::optional<SpawnSite> Site;
  std::vector<CapturedLocalRace> Locals;
  std::vector<AliasRace> Aliases;
};
} // namespace

TEST(Race, TwoBranchesWriteOneLocal) {
  Races R(R"(
    void f() { int n = 0; kara::par([&] { n = 1; }, [&] { n = 2; }); }
  )");
  ASSERT_EQ(R.Locals.size(), 1u);
  const CapturedLocalRace &Race = R.Locals[0];
  EXPECT_EQ(Race.Var, R.U.var("n"));
  EXPECT_NE(Race.Writer, Race.Other);
  EXPECT_TRUE(Race.OtherWrites);
  EXPECT_TRUE(Race.WriterAccess.E.isWrite());
  EXPECT_EQ(R.U.line(Race.WriterAccess.Why.Loc), 2u);
  EXPECT_NE(Race.Capture, nullptr);
}

TEST(Race, AWriterAndAReader) {
  Races R(R"(
    int use(int);
    void f() { int n = 0; kara::par([&] { (void)use(n); }, [&] { n = 2; }); }
  )");
  ASSERT_EQ(R.Locals.size(), 1u);
  EXPECT_EQ(R.Locals[0].Writer, 1u);
  EXPECT_EQ(R.Locals[0].Other, 0u);
  EXPECT_FALSE(R.Locals[0].OtherWrites);
  EXPECT_FALSE(R.Locals[0].OtherAccess.E.isWrite());
}

TEST(Race, ReadersOnlyAndByCopyCapturesDoNotRace) {
  Races Readers(R"(
    int use(int);
    void f() { int n = 0; kara::par([&] { (void)use(n); }, [&] { (void)use(n); }); }
  )");
  EXPECT_TRUE(Readers.Locals.empty());
  Races Copies(R"(
    void f() { int n = 0;
      kara::par([n]() mutable { n = 1; }, [n]() mutable { n = 2; }); }
  )");
  EXPECT_TRUE(Copies.Locals.empty());
}

TEST(Race, ThreadSafeTypesNeverRace) {
  Races R(R"(
    void f() {
      std::atomic<int> n;
      kara::par([&] { n.store(1); }, [&] { n.store(2); });
    }
  )");
  EXPECT_TRUE(R.Locals.empty());
}

TEST(Race, ATaskSpawnedInALoopRacesWithItself) {
  Races R(R"(
    void f() {
      int total = 0;
      kara::scope([&](kara::nursery &n) {
        for (int i = 0; i < 4; ++i)
          n.spawn([&] { total += 1; });
      });
    }
  )",
          "scope");
  ASSERT_EQ(R.Locals.size(), 1u);
  EXPECT_EQ(R.Locals[0].Var, R.U.var("total"));
  EXPECT_EQ(R.Locals[0].Writer, R.Locals[0].Other);
  EXPECT_TRUE(R.Site->Sides[R.Locals[0].Writer].Repeated);
}

TEST(Race, TheParentRacesWithItsTask) {
  Races R(R"(
    void f() {
      int n = 0;
      auto t = kara::spawn([&] { n = 1; });
      n = 2;
      t.join();
      n = 3;
    }
  )",
          "spawn");
  ASSERT_EQ(R.Locals.size(), 1u);
  const CapturedLocalRace &Race = R.Locals[0];
  EXPECT_EQ(Race.Var, R.U.var("n"));
  EXPECT_TRUE(Race.OtherWrites);
  // The write after the join is not part of the race: the one found is at
  // line 5 (the parent) or 4 (the task).
  unsigned WriterLine = R.U.line(Race.WriterAccess.Why.Loc);
  unsigned OtherLine = R.U.line(Race.OtherAccess.Why.Loc);
  EXPECT_NE(WriterLine, 7u);
  EXPECT_NE(OtherLine, 7u);
}

TEST(Race, WritesThroughACapturedPointer) {
  Races R(R"(
    void f(int *out) {
      int *p = out;
      kara::par([&] { *p = 1; }, [&] { *p = 2; });
    }
  )");
  ASSERT_FALSE(R.Aliases.empty());
  const AliasRace &A = R.Aliases[0];
  EXPECT_EQ(A.Var, R.U.var("p"));
  EXPECT_TRUE(A.Pointer);
  EXPECT_TRUE(A.OtherWrites);
  EXPECT_NE(A.Writer, A.Other);
}
