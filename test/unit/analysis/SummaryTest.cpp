// Effects of statements and functions (SPEC §2): declared, database and
// inferred summaries, transitively through calls and recursion, with
// parameter and `this` effects mapped onto the arguments; the Reason of
// each effect.
#include "TestUnit.h"

using namespace kara;
using kara::test::localOf;
using kara::test::TestUnit;

TEST(Summary, DeclaredEffectsAreTheContract) {
  TestUnit U(R"(
    [[kara::writes(DB::Users)]] [[kara::reads(Config)]] void save(int id);
    [[kara::pure]] int add(int a, int b);
  )");
  const FunctionSummary &S = U.Analysis->summaryOf(U.fn("save"));
  EXPECT_EQ(S.Source, SummarySource::Declared);
  EXPECT_EQ(S.Effects, EffectSet({Effect::write(Target::resource("DB::Users")),
                                  Effect::read(Target::resource("Config"))}));
  const Reason *Why = S.reasonFor(Effect::write(Target::resource("DB::Users")));
  ASSERT_NE(Why, nullptr);
  EXPECT_EQ(Why->ReasonKind, Reason::Kind::Declared);
  EXPECT_EQ(Why->Callee, U.fn("save"));
  const FunctionSummary &Pure = U.Analysis->summaryOf(U.fn("add"));
  EXPECT_EQ(Pure.Source, SummarySource::Declared);
  EXPECT_TRUE(Pure.Effects.empty());
}

TEST(Summary, DatabaseEntryWithParameterAndThis) {
  TestUnit U(R"(
    namespace lib {
    void put(int &dst, int v);
    struct Stream { void flush(); };
    }
  )",
             R"({"functions": {
                   "lib::put": {"writes": ["$0", "kara::io"]},
                   "lib::Stream::*": {"writes": ["this"], "exact": true}}})");
  const FunctionSummary &Put = U.Analysis->summaryOf(U.fn("put"));
  EXPECT_EQ(Put.Source, SummarySource::Database);
  EXPECT_EQ(Put.Origin, "test.json");
  EXPECT_EQ(Put.Effects,
            EffectSet({Effect::write(Target::param(0, "dst")),
                       Effect::write(Target::resource("kara::io"))}));
  const Reason *Why =
      Put.reasonFor(Effect::write(Target::resource("kara::io")));
  ASSERT_NE(Why, nullptr);
  EXPECT_EQ(Why->ReasonKind, Reason::Kind::Database);
  const FunctionSummary &Flush = U.Analysis->summaryOf(U.fn("flush"));
  EXPECT_EQ(Flush.Effects, EffectSet({Effect::write(Target::thisObject())}));
}

TEST(Summary, InferredFromTheBodyWithTheAccessLocation) {
  TestUnit U(R"(
    int g;
    void f() {
      int local = 0;
      local = 1;
      g = local;
    }
  )");
  const FunctionSummary &S = U.Analysis->summaryOf(U.fn("f"));
  EXPECT_EQ(S.Source, SummarySource::Inferred);
  // The function's own locals are not visible to callers.
  EXPECT_EQ(S.Effects, EffectSet({Effect::write(Target::resource("g"))}));
  const Reason *Why = S.reasonFor(Effect::write(Target::resource("g")));
  ASSERT_NE(Why, nullptr);
  EXPECT_EQ(Why->ReasonKind, Reason::Kind::Access);
  EXPECT_EQ(U.line(Why->Loc), 6u);
}

TEST(Summary, TransitiveThroughCallsWithTheCallee) {
  TestUnit U(R"(
    [[kara::writes(Log)]] void log();
    void leaf() { log(); }
    void middle() { leaf(); }
    void top() { middle(); }
  )");
  const FunctionSummary &S = U.Analysis->summaryOf(U.fn("top"));
  EXPECT_EQ(S.Effects, EffectSet({Effect::write(Target::resource("Log"))}));
  const Reason *Why = S.reasonFor(Effect::write(Target::resource("Log")));
  ASSERT_NE(Why, nullptr);
  EXPECT_EQ(Why->ReasonKind, Reason::Kind::Call);
  EXPECT_EQ(Why->Callee, U.fn("middle"));
  ASSERT_TRUE(Why->CalleeEffect);
  EXPECT_EQ(*Why->CalleeEffect, Effect::write(Target::resource("Log")));
}

TEST(Summary, RecursionReachesAFixpoint) {
  TestUnit U(R"(
    int a, b;
    void odd(int n);
    void even(int n) { a = n; if (n) odd(n - 1); }
    void odd(int n) { b = n; if (n) even(n - 1); }
    int fact(int n) { return n < 2 ? 1 : n * fact(n - 1); }
  )");
  EffectSet Both = {Effect::write(Target::resource("a")),
                    Effect::write(Target::resource("b"))};
  EXPECT_EQ(U.Analysis->summaryOf(U.fn("even")).Effects, Both);
  EXPECT_EQ(U.Analysis->summaryOf(U.fn("odd")).Effects, Both);
  EXPECT_TRUE(U.Analysis->summaryOf(U.fn("fact")).Effects.empty());
}

TEST(Summary, ReferenceParametersMapOntoTheArguments) {
  TestUnit U(R"(
    void set(int &r) { r = 1; }
    int g;
    void on_global() { set(g); }
    void on_local() { int x = 0; set(x); }
    void forward(int &out) { set(out); }
  )");
  EXPECT_EQ(U.Analysis->summaryOf(U.fn("set")).Effects,
            EffectSet({Effect::write(Target::param(0, "r"))}));
  EXPECT_EQ(U.Analysis->summaryOf(U.fn("on_global")).Effects,
            EffectSet({Effect::write(Target::resource("g"))}));
  EXPECT_TRUE(U.Analysis->summaryOf(U.fn("on_local")).Effects.empty());
  EXPECT_EQ(U.Analysis->summaryOf(U.fn("forward")).Effects,
            EffectSet({Effect::write(Target::param(0, "out"))}));
  // In the statement's own context the local stays.
  EXPECT_EQ(U.stmtEffects("on_local", 1),
            EffectSet({Effect::write(localOf(U, "x"))}));
}

TEST(Summary, ThisMapsOntoTheObject) {
  TestUnit U(R"(
    struct Counter { int n; void bump() { ++n; } };
    Counter global_counter;
    void f() { global_counter.bump(); }
    struct Owner { Counter c; void g() { c.bump(); } };
  )");
  EXPECT_EQ(U.Analysis->summaryOf(U.fn("bump")).Effects,
            EffectSet({Effect::write(Target::thisObject({"n"}))}));
  EXPECT_EQ(U.Analysis->summaryOf(U.fn("f")).Effects,
            EffectSet({Effect::write(
                Target::resource("global_counter").member("n"))}));
  EXPECT_EQ(U.Analysis->summaryOf(U.fn("g")).Effects,
            EffectSet({Effect::write(Target::thisObject({"c", "n"}))}));
}

TEST(Summary, NoDefinitionIsUnknown) {
  TestUnit U(R"(
    void opaque();
    void caller() { opaque(); }
  )");
  const FunctionSummary &S = U.Analysis->summaryOf(U.fn("opaque"));
  EXPECT_EQ(S.Source, SummarySource::Unknown);
  EXPECT_TRUE(S.Effects.hasUnknown());
  const Reason *Why = S.reasonFor(Effect::unknown());
  ASSERT_NE(Why, nullptr);
  EXPECT_EQ(Why->ReasonKind, Reason::Kind::NoDefinition);
  EXPECT_TRUE(U.Analysis->summaryOf(U.fn("caller")).Effects.hasUnknown());
}

TEST(Summary, IndirectCallsAreUnknown) {
  TestUnit U(R"(
    void via(void (*p)()) { p(); }
  )");
  const FunctionSummary &S = U.Analysis->summaryOf(U.fn("via"));
  ASSERT_TRUE(S.Effects.hasUnknown());
  const Reason *Why = S.reasonFor(Effect::unknown());
  ASSERT_NE(Why, nullptr);
  EXPECT_EQ(Why->ReasonKind, Reason::Kind::Indirect);
}

TEST(Summary, ParameterTypeEffects) {
  TestUnit U(R"(
    struct S { void m(const int &in, int &out, int *p, int v) const; };
  )");
  EXPECT_EQ(EffectAnalysis::parameterTypeEffects(U.fn("m")),
            EffectSet({Effect::read(Target::param(0, "in")),
                       Effect::write(Target::param(1, "out")),
                       Effect::write(Target::param(2, "p")),
                       Effect::read(Target::thisObject())}));
}

TEST(Summary, UndeclaredEffectsOfAnAnnotatedBody) {
  TestUnit U(R"(
    int g, h;
    [[kara::reads(g)]] int f() { h = 1; return g; }
  )");
  std::vector<EffectEntry> Extra = U.Analysis->undeclaredEffects(U.fn("f"));
  ASSERT_EQ(Extra.size(), 1u);
  EXPECT_EQ(Extra[0].E, Effect::write(Target::resource("h")));
  EXPECT_EQ(U.line(Extra[0].Why.Loc), 3u);
  EXPECT_TRUE(U.Analysis->contractBroken(U.fn("f")));
}

TEST(Summary, SummaryDatabaseOnlyForFunctionsWithoutABody) {
  TestUnit U(R"(
    void elsewhere(int &r);
    int g;
    void here() { g = 1; }
  )");
  EffectsDatabase Summaries;
  std::string Error;
  ASSERT_TRUE(Summaries.addJson(
      R"({"functions": {"elsewhere": {"writes": ["$0"], "exact": true,
                                       "from": "other.cpp"},
                        "here": {"pure": true}}})",
      "summaries.json", Error))
      << Error;
  U.Analysis->setSummaryDatabase(&Summaries);
  const FunctionSummary &S = U.Analysis->summaryOf(U.fn("elsewhere"));
  EXPECT_EQ(S.Source, SummarySource::Database);
  EXPECT_EQ(S.Origin, "summaries.json");
  EXPECT_EQ(S.Effects, EffectSet({Effect::write(Target::param(0, "r"))}));
  // A body in this unit wins over the summary of another unit.
  EXPECT_EQ(U.Analysis->summaryOf(U.fn("here")).Effects,
            EffectSet({Effect::write(Target::resource("g"))}));
}

TEST(Summary, LambdaBodiesRunWhenCalledNotWhenCreated) {
  TestUnit U(R"(
    int g;
    void f() {
      auto l = [] { g = 1; };
      l();
    }
  )");
  EXPECT_FALSE(
      U.stmtEffects("f", 0).covers(Effect::write(Target::resource("g"))));
  EXPECT_TRUE(
      U.stmtEffects("f", 1).covers(Effect::write(Target::resource("g"))));
}
