// Dependences between two statements of a block (SPEC §4), one test per
// Dependence::Kind, the blockers of StatementInfo, and run planning.
#include "TestUnit.h"

#include "kara/Analysis/Dependence.h"

using namespace kara;
using kara::test::TestUnit;

namespace {

const char *Decls = R"(
  [[kara::writes(UserDB)]] void save_user(int) noexcept;
  [[kara::reads(UserDB)]] int load_user(int) noexcept;
  [[kara::writes(OrderDB)]] void save_order(int) noexcept;
  [[kara::reads(Config)]] int may_throw(int);
  [[kara::reads(Config)]] int may_throw_too(int);
  [[kara::pure]] void consume(unsigned long) noexcept;
  [[kara::pure]] void use_ptr(int *) noexcept;
  [[kara::writes(global)]] void set_global(int) noexcept;
  [[kara::pure]] void put(int &o, int v) noexcept;
  [[kara::pure]] int compute(int) noexcept;
  int global;
)";

/// Statements of one function described for dependence.
struct Block {
  Block(const std::string &Body, bool Strict = true)
      : U(std::string(Decls) + "void f(int &r) {" + Body + "}"),
        DA(*U.Analysis, Strict) {
    const auto *CS = llvm::cast<clang::CompoundStmt>(U.fn("f")->getBody());
    for (const clang::Stmt *S : CS->body())
      Infos.push_back(DA.describe(S, U.fn("f")));
    Scope.Context = U.fn("f");
  }
  std::optional<Dependence> between(unsigned A, unsigned B) {
    return DA.dependence(Infos[A], Infos[B], Scope);
  }
  TestUnit U;
  DependenceAnalysis DA;
  std::vector<StatementInfo> Infos;
  ThrowScope Scope;
};

} // namespace

TEST(Dependence, IndependentStatements) {
  Block B("save_user(1); save_order(2);");
  EXPECT_TRUE(B.Infos[0].isCandidate());
  EXPECT_TRUE(B.Infos[1].isCandidate());
  EXPECT_FALSE(B.between(0, 1));
}

TEST(Dependence, ConflictNamesBothEffects) {
  Block B("save_user(1); (void)load_user(2);");
  std::optional<Dependence> D = B.between(0, 1);
  ASSERT_TRUE(D);
  EXPECT_EQ(D->DependenceKind, Dependence::Kind::Conflict);
  EXPECT_EQ(D->EarlierEffect, Effect::write(Target::resource("UserDB")));
  EXPECT_EQ(D->LaterEffect, Effect::read(Target::resource("UserDB")));
}

TEST(Dependence, ConflictOnALocal) {
  Block B("int id = 0; id = compute(r); save_user(id);");
  std::optional<Dependence> D = B.between(1, 2);
  ASSERT_TRUE(D);
  EXPECT_EQ(D->DependenceKind, Dependence::Kind::Conflict);
  EXPECT_EQ(D->EarlierEffect, Effect::write(kara::test::localOf(B.U, "id")));
  EXPECT_EQ(D->LaterEffect, Effect::read(kara::test::localOf(B.U, "id")));
}

TEST(Dependence, ADeclarationIsADefinitionForItsUses) {
  Block B("int id = r + 1; save_user(id);");
  EXPECT_EQ(B.Infos[0].Declares,
            std::vector<const clang::VarDecl *>{B.U.var("id")});
  std::optional<Dependence> D = B.between(0, 1);
  ASSERT_TRUE(D);
  EXPECT_EQ(D->DependenceKind, Dependence::Kind::DefUse);
  EXPECT_EQ(D->Var, B.U.var("id"));
}

TEST(Dependence, DefUseOfAnUnevaluatedUse) {
  Block B("int id = load_user(1); consume(sizeof(id));");
  std::optional<Dependence> D = B.between(0, 1);
  ASSERT_TRUE(D);
  EXPECT_EQ(D->DependenceKind, Dependence::Kind::DefUse);
  EXPECT_EQ(D->Var, B.U.var("id"));
}

TEST(Dependence, MayAliasAGlobalAndAReferenceParameter) {
  Block B("set_global(1); put(r, 2);");
  std::optional<Dependence> D = B.between(0, 1);
  ASSERT_TRUE(D);
  EXPECT_EQ(D->DependenceKind, Dependence::Kind::MayAlias);
  EXPECT_EQ(D->EarlierEffect, Effect::write(Target::resource("global")));
  EXPECT_EQ(D->LaterEffect, Effect::write(Target::param(0, "r")));
}

TEST(Dependence, ExceptionBeforeAWrite) {
  Block B("(void)may_throw(1); save_user(2);");
  EXPECT_TRUE(B.Infos[0].MayThrow);
  EXPECT_FALSE(B.Infos[1].MayThrow);
  std::optional<Dependence> D = B.between(0, 1);
  ASSERT_TRUE(D);
  EXPECT_EQ(D->DependenceKind, Dependence::Kind::Exception);
  EXPECT_EQ(D->LaterEffect, Effect::write(Target::resource("UserDB")));
}

TEST(Dependence, ExceptionAfterAWrite) {
  Block B("save_user(2); (void)may_throw(1);");
  std::optional<Dependence> D = B.between(0, 1);
  ASSERT_TRUE(D);
  EXPECT_EQ(D->DependenceKind, Dependence::Kind::ExceptionAfterWrite);
  EXPECT_EQ(D->EarlierEffect, Effect::write(Target::resource("UserDB")));
}

TEST(Dependence, ThrowOrderAndItsOption) {
  Block Strict("(void)may_throw(1); (void)may_throw_too(2);");
  std::optional<Dependence> D = Strict.between(0, 1);
  ASSERT_TRUE(D);
  EXPECT_EQ(D->DependenceKind, Dependence::Kind::ThrowOrder);
  // Without strict exception order, exceptions order nothing.
  Block Loose("(void)may_throw(1); (void)may_throw_too(2);", false);
  EXPECT_FALSE(Loose.between(0, 1));
  Block LooseWrite("(void)may_throw(1); save_user(2);", false);
  EXPECT_FALSE(LooseWrite.between(0, 1));
}

TEST(Dependence, PinnedCapturedPointer) {
  Block B("int x = 0; int *p = &x; save_user(1); use_ptr(p);");
  EXPECT_EQ(B.Infos[3].CapturedPointer, B.U.var("p"));
  std::vector<StatementInfo> Run = {B.Infos[2], B.Infos[3]};
  RunPlan Plan = B.DA.plan(Run, B.Scope);
  EXPECT_FALSE(Plan.parallelizes());
  ASSERT_FALSE(Plan.Dependences.empty());
  EXPECT_EQ(Plan.Dependences[0].DependenceKind, Dependence::Kind::Pinned);
  EXPECT_EQ(Plan.Dependences[0].Var, B.U.var("p"));
  EXPECT_EQ(Plan.Deferred, std::vector<unsigned>({1}));
}

TEST(Dependence, Blockers) {
  Block B(R"(
    if (r) save_user(1);
    #define SAVE save_user(2)
    SAVE;
    static int s = 0;
    return;
  )");
  ASSERT_TRUE(B.Infos[0].Block);
  EXPECT_EQ(B.Infos[0].Block->BlockerKind, Blocker::Kind::NotCandidateKind);
  ASSERT_TRUE(B.Infos[1].Block);
  EXPECT_EQ(B.Infos[1].Block->BlockerKind, Blocker::Kind::Macro);
  ASSERT_TRUE(B.Infos[2].Block);
  EXPECT_EQ(B.Infos[2].Block->BlockerKind, Blocker::Kind::NonLocalDecl);
  ASSERT_TRUE(B.Infos[3].Block);
  EXPECT_FALSE(B.Infos[3].isCandidate());
}

TEST(Dependence, ControlFlowBlocker) {
  Block B("for (int i = 0; i < 3; ++i) { save_user(i); break; }"
          "({ save_user(1); if (r) return; });");
  ASSERT_TRUE(B.Infos[1].Block);
  EXPECT_EQ(B.Infos[1].Block->BlockerKind, Blocker::Kind::ControlFlow);
  EXPECT_STREQ(B.Infos[1].Block->Construct, "return");
}

TEST(Dependence, PlanSplitsIntoChainsAndDefers) {
  // 0 and 1 are independent, 2 joins 0's chain, 3 depends on both chains:
  // deferred.
  Block B("save_user(1); save_order(2); save_user(load_user(3)); "
          "save_order(load_user(4));");
  RunPlan Plan = B.DA.plan(B.Infos, B.Scope);
  ASSERT_TRUE(Plan.parallelizes());
  ASSERT_GE(Plan.Rounds.size(), 1u);
  EXPECT_EQ(Plan.Rounds[0].Chains,
            (std::vector<std::vector<unsigned>>{{0, 2}, {1}}));
  EXPECT_EQ(Plan.Deferred, std::vector<unsigned>({3}));
  auto Runs = DependenceAnalysis::candidateRuns(B.Infos);
  ASSERT_EQ(Runs.size(), 1u);
  EXPECT_EQ(Runs[0], std::make_pair(0u, 3u));
}

TEST(Dependence, ObservableAfterThrow) {
  TestUnit U("void f() { int x = 0; }");
  ThrowScope Scope{U.fn("f"), nullptr};
  EXPECT_TRUE(DependenceAnalysis::observableAfterThrow(
      Effect::write(Target::resource("UserDB")), Scope));
  // A local whose scope the exception leaves is gone.
  EXPECT_FALSE(DependenceAnalysis::observableAfterThrow(
      Effect::write(kara::test::localOf(U, "x")), Scope));
}
