// Spawn sites (SPEC §3, §5, §6): the sides of kara::par / race branches,
// scope tasks, kara::spawn with its parent code, map callables, and the
// arguments that cross a spawn boundary (tasks, actor messages).
#include "TestUnit.h"

#include "kara/Analysis/Concurrency.h"
#include "kara/Analysis/Sendability.h"

using namespace kara;
using kara::test::localOf;
using kara::test::TestUnit;

namespace {
/// A unit with the mock runtime before Code.
struct RuntimeUnit : TestUnit {
  explicit RuntimeUnit(const char *Code)
      : TestUnit(Code, "", kara::test::MockRuntime) {}
};
} // namespace

TEST(SpawnSite, ParBranches) {
  RuntimeUnit U(R"(
    void a();
    void f() { kara::par([] { a(); }, a, [] {}); }
  )");
  const clang::CallExpr *Call = U.call("par");
  ASSERT_TRUE(isConcurrencyEntryPoint(Call));
  std::optional<SpawnSite> Site = spawnSiteFor(Call, U.fn("f"), U.ctx());
  ASSERT_TRUE(Site);
  ASSERT_NE(Site->Entry, nullptr);
  EXPECT_EQ(Site->Entry->Kind, runtime::EntryKind::ParLike);
  EXPECT_EQ(Site->What, "kara::par");
  ASSERT_EQ(Site->Sides.size(), 3u);
  for (const ConcurrentSide &S : Site->Sides) {
    EXPECT_EQ(S.SideKind, ConcurrentSide::ParBranch);
    EXPECT_FALSE(S.Repeated);
    EXPECT_EQ(S.Context, U.fn("f"));
  }
  EXPECT_NE(Site->Sides[0].Lambda, nullptr);
  EXPECT_EQ(Site->Sides[1].Lambda, nullptr);
  EXPECT_EQ(Site->Sides[1].Function, U.fn("a"));
  // Every pair of branches, once.
  EXPECT_EQ(Site->ConcurrentPairs, (std::vector<std::pair<unsigned, unsigned>>{
                                       {0, 1}, {0, 2}, {1, 2}}));
}

TEST(SpawnSite, RaceIsParLike) {
  RuntimeUnit U(R"(
    int f() { return kara::race([] { return 1; }, [] { return 2; }); }
  )");
  std::optional<SpawnSite> Site =
      spawnSiteFor(U.call("race"), U.fn("f"), U.ctx());
  ASSERT_TRUE(Site);
  EXPECT_EQ(Site->Entry->Id, runtime::Entry::Race);
  EXPECT_EQ(Site->Sides.size(), 2u);
}

TEST(SpawnSite, NotTheRuntime) {
  TestUnit U(R"(
    namespace other { template <class... F> void par(F &&...) {} }
    void f() { other::par([] {}, [] {}); }
  )");
  EXPECT_FALSE(isConcurrencyEntryPoint(U.call("par")));
  EXPECT_FALSE(spawnSiteFor(U.call("par"), U.fn("f"), U.ctx()));
  EXPECT_TRUE(findSpawnSites(U.fn("f"), U.ctx()).empty());
}

TEST(SpawnSite, ScopeTasksAndTheLoop) {
  RuntimeUnit U(R"(
    void work(int);
    void f() {
      kara::scope([&](kara::nursery &n) {
        n.spawn([] { work(0); });
        for (int i = 0; i < 4; ++i)
          n.spawn([i] { work(i); });
      });
    }
  )");
  std::optional<SpawnSite> Site =
      spawnSiteFor(U.call("scope"), U.fn("f"), U.ctx());
  ASSERT_TRUE(Site);
  EXPECT_EQ(Site->Entry->Kind, runtime::EntryKind::Scope);
  unsigned Tasks = 0, Repeated = 0, Parents = 0;
  for (const ConcurrentSide &S : Site->Sides) {
    Tasks += S.SideKind == ConcurrentSide::ScopeTask;
    Parents += S.SideKind == ConcurrentSide::Parent;
    if (S.SideKind == ConcurrentSide::ScopeTask) {
      EXPECT_NE(S.SpawnCall, nullptr);
      EXPECT_NE(S.Lambda, nullptr);
      Repeated += S.Repeated;
    }
  }
  EXPECT_EQ(Tasks, 2u);
  EXPECT_EQ(Repeated, 1u);
  // The repeated task runs concurrently with itself.
  bool SelfPair = false;
  for (auto [I, J] : Site->ConcurrentPairs)
    SelfPair |= I == J && Site->Sides[I].Repeated;
  EXPECT_TRUE(SelfPair);
  (void)Parents;
}

TEST(SpawnSite, SpawnAndTheParentUntilTheJoin) {
  RuntimeUnit U(R"(
    void work();
    void before();
    void during();
    void after();
    void f() {
      before();
      auto t = kara::spawn([] { work(); });
      during();
      t.join();
      after();
    }
  )");
  std::optional<SpawnSite> Site =
      spawnSiteFor(U.call("spawn"), U.fn("f"), U.ctx());
  ASSERT_TRUE(Site);
  EXPECT_EQ(Site->Entry->Kind, runtime::EntryKind::Spawn);
  ASSERT_EQ(Site->Sides.size(), 2u);
  const ConcurrentSide *Task = nullptr, *Parent = nullptr;
  for (const ConcurrentSide &S : Site->Sides)
    (S.SideKind == ConcurrentSide::Parent ? Parent : Task) = &S;
  ASSERT_TRUE(Task && Parent);
  EXPECT_EQ(Task->SideKind, ConcurrentSide::SpawnTask);
  EXPECT_EQ(Task->SpawnCall, U.call("spawn"));
  // Only the code between the spawn and the join runs beside the task.
  ASSERT_EQ(Parent->ParentCode.size(), 1u);
  EXPECT_EQ(Parent->ParentCode[0], U.stmt("f", 2));
  EXPECT_EQ(Site->ConcurrentPairs.size(), 1u);
}

TEST(SpawnSite, MapCallableIsRepeated) {
  RuntimeUnit U(R"(
    int sink;
    void f(int (&values)[4]) { kara::map([](int v) { (void)v; }, values); }
  )");
  std::optional<SpawnSite> Site =
      spawnSiteFor(U.call("map"), U.fn("f"), U.ctx());
  ASSERT_TRUE(Site);
  ASSERT_EQ(Site->Sides.size(), 1u);
  EXPECT_EQ(Site->Sides[0].SideKind, ConcurrentSide::MapCallable);
  EXPECT_TRUE(Site->Sides[0].Repeated);
  EXPECT_EQ(Site->ConcurrentPairs,
            (std::vector<std::pair<unsigned, unsigned>>{{0, 0}}));
}

TEST(SpawnSite, FindSpawnSitesInsideLambdas) {
  RuntimeUnit U(R"(
    void f() {
      kara::par([] {}, [] { kara::par([] {}, [] {}); });
      auto later = [] { kara::spawn([] {}); };
    }
  )");
  std::vector<SpawnSite> Sites = findSpawnSites(U.fn("f"), U.ctx());
  ASSERT_EQ(Sites.size(), 3u);
  unsigned Spawns = 0;
  for (const SpawnSite &S : Sites)
    Spawns += S.Entry->Kind == runtime::EntryKind::Spawn;
  EXPECT_EQ(Spawns, 1u);
}

TEST(SpawnSite, SideEffectsInTheParentsContext) {
  RuntimeUnit U(R"(
    int g;
    void f() {
      int shared = 0, copied = 0;
      kara::par([&] { shared = 1; }, [copied]() mutable { copied = 2; g = 1; });
    }
  )");
  std::optional<SpawnSite> Site =
      spawnSiteFor(U.call("par"), U.fn("f"), U.ctx());
  ASSERT_TRUE(Site);
  auto Effects = [&](unsigned I) {
    EffectSet Set;
    for (const EffectEntry &E :
         sideEffects(Site->Sides[I], *U.Analysis, U.fn("f")))
      Set.add(E.E);
    return Set;
  };
  // By reference: the enclosing function's local; by copy: a private copy.
  EXPECT_EQ(Effects(0), EffectSet({Effect::write(localOf(U, "shared"))}));
  EXPECT_EQ(Effects(1), EffectSet({Effect::write(Target::resource("g"))}));
  FunctionSummary S = sideSummary(Site->Sides[0], *U.Analysis, U.fn("f"));
  EXPECT_EQ(S.Effects, Effects(0));
}

TEST(SpawnSite, ArgumentsThatCrossTheBoundary) {
  RuntimeUnit U(R"(
    struct Account { void deposit(int amount); };
    void f(kara::actor<Account> &a) {
      int amount = 5;
      a.send(&Account::deposit, amount);
      kara::par([] {}, [] {});
      kara::scope([](kara::nursery &n) { n.spawn([] {}); });
    }
  )");
  std::vector<SpawnArgument> Args =
      spawnArguments(U.fn("f")->getBody(), U.ctx());
  unsigned Messages = 0, Branches = 0, Tasks = 0;
  for (const SpawnArgument &A : Args) {
    ASSERT_NE(A.Entry, nullptr);
    switch (A.Entry->Kind) {
    case runtime::EntryKind::ActorMessage:
      ++Messages;
      EXPECT_EQ(A.Lambda, nullptr);
      break;
    case runtime::EntryKind::ParLike:
      ++Branches;
      EXPECT_NE(A.Lambda, nullptr);
      break;
    case runtime::EntryKind::NurserySpawn:
      ++Tasks;
      break;
    default:
      ADD_FAILURE() << "unexpected entry " << A.Entry->QualifiedName.str();
    }
  }
  EXPECT_GE(Messages, 1u);
  EXPECT_EQ(Branches, 2u);
  EXPECT_EQ(Tasks, 1u);
}
