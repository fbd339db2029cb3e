// Designation: which object an expression designates, seen through the
// targets of statementEffects (SPEC §2): locals, parameters, members of
// `this`, globals, and what references and pointers refer to.
#include "TestUnit.h"

using namespace kara;
using kara::test::localOf;
using kara::test::TestUnit;

TEST(Designation, LocalVariables) {
  TestUnit U(R"(
    void f() { int x = 0; x = 1; int y = x; }
  )");
  EXPECT_EQ(U.stmtEffects("f", 1), EffectSet({Effect::write(localOf(U, "x"))}));
  // The declaration of y is not an effect of the statement (Dependence adds
  // it); its initializer reads x.
  EXPECT_EQ(U.stmtEffects("f", 2), EffectSet({Effect::read(localOf(U, "x"))}));
}

TEST(Designation, ReferenceParameterIsItsReferent) {
  TestUnit U(R"(
    void f(int &out, int v) { out = 1; v = 2; }
  )");
  EXPECT_EQ(U.stmtEffects("f", 0),
            EffectSet({Effect::write(Target::param(0, "out"))}));
  // A by-value parameter is a local of the function.
  EXPECT_EQ(U.stmtEffects("f", 1), EffectSet({Effect::write(localOf(U, "v"))}));
}

TEST(Designation, PointerParameterPointsToItsArgument) {
  TestUnit U(R"(
    void f(int *p) { *p = 1; }
    void g(int *p, int *q) { p = q; *p = 1; }
  )");
  EffectSet Through = U.stmtEffects("f", 0);
  EXPECT_TRUE(Through.covers(Effect::write(Target::param(0, "p"))));
  EXPECT_FALSE(Through.hasUnknown());
  // Reassigned: it may point anywhere.
  EXPECT_TRUE(U.stmtEffects("g", 1).hasUnknown());
}

TEST(Designation, MembersOfThis) {
  TestUnit U(R"(
    struct S {
      int m;
      struct In { int k; } in;
      void f() { m = 1; this->in.k = 2; int r = m; }
    };
  )");
  EXPECT_EQ(U.stmtEffects("f", 0),
            EffectSet({Effect::write(Target::thisObject({"m"}))}));
  EXPECT_EQ(U.stmtEffects("f", 1),
            EffectSet({Effect::write(Target::thisObject({"in", "k"}))}));
  EXPECT_TRUE(
      U.stmtEffects("f", 2).covers(Effect::read(Target::thisObject({"m"}))));
}

TEST(Designation, PointerAndReferenceMembersDesignateTheirReferent) {
  TestUnit U(R"(
    struct S {
      int *p;
      int &r;
      int own;
      void f() { *p = 1; r = 2; p = &own; }
    };
  )");
  // The pointee of a pointer member and the referent of a reference member
  // are not parts of the object: some object of the member's pointee type
  // (a referent, which may be any object: docs/effects.md).
  EXPECT_EQ(U.stmtEffects("f", 0),
            EffectSet({Effect::write(Target::referent("int")),
                       Effect::read(Target::thisObject({"p"}))}));
  EXPECT_EQ(U.stmtEffects("f", 1),
            EffectSet({Effect::write(Target::referent("int"))}));
  EXPECT_TRUE(U.stmtEffects("f", 0).effects().front().On.mayBeAnyObject() ||
              U.stmtEffects("f", 0).effects().back().On.mayBeAnyObject());
  // Reseating the pointer writes the member itself.
  EXPECT_EQ(U.stmtEffects("f", 2),
            EffectSet({Effect::write(Target::thisObject({"p"}))}));
}

TEST(Designation, LocalReferencesAndPointersAreTheirReferent) {
  TestUnit U(R"(
    void f() {
      int x = 0;
      int &r = x;
      int *p = &x;
      r = 1;
      *p = 2;
    }
  )");
  EXPECT_EQ(U.stmtEffects("f", 3), EffectSet({Effect::write(localOf(U, "x"))}));
  EXPECT_TRUE(U.stmtEffects("f", 4).covers(Effect::write(localOf(U, "x"))));
  EXPECT_FALSE(U.stmtEffects("f", 4).hasUnknown());
}

TEST(Designation, ReassignedLocalPointerIsUnknown) {
  TestUnit U(R"(
    void f(bool c) {
      int x = 0, y = 0;
      int *p = &x;
      if (c) p = &y;
      *p = 2;
    }
  )");
  EXPECT_TRUE(U.stmtEffects("f", 3).hasUnknown());
}

TEST(Designation, GlobalsAreResourcesAndConstantsAreNothing) {
  TestUnit U(R"(
    namespace ns { int counter; }
    const int limit = 10;
    void f() { ns::counter = 1; int y = limit; }
  )");
  EXPECT_EQ(U.stmtEffects("f", 0),
            EffectSet({Effect::write(Target::resource("ns::counter"))}));
  EXPECT_TRUE(U.stmtEffects("f", 1).empty());
}

TEST(Designation, DatabaseRenamesAGlobal) {
  TestUnit U(R"(
    int log_sink;
    void f() { log_sink = 1; }
  )",
             R"({"variables": {"log_sink": "kara::io"}})");
  EXPECT_EQ(U.stmtEffects("f", 0),
            EffectSet({Effect::write(Target::resource("kara::io"))}));
}

TEST(Designation, StructuredBindings) {
  TestUnit U(R"(
    struct P { int a, b; };
    P global_p;
    void f() {
      auto &[a, b] = global_p;
      a = 1;
      auto [c, d] = global_p;
      c = 2;
    }
  )");
  // A reference binding designates the member of what it binds to.
  EXPECT_EQ(
      U.stmtEffects("f", 1),
      EffectSet({Effect::write(Target::resource("global_p").member("a"))}));
  // A copy: the binding names the member of the hidden local copy.
  EffectSet Copy = U.stmtEffects("f", 3);
  ASSERT_EQ(Copy.size(), 1u);
  const Effect &E = *Copy.begin();
  EXPECT_TRUE(E.isWrite());
  EXPECT_EQ(E.On.TargetKind, Target::Kind::Local);
}

TEST(Designation, CapturesInsideALambda) {
  TestUnit U(R"(
    void f() {
      int byref = 0, bycopy = 0;
      auto l = [&byref, bycopy]() mutable { byref = 1; bycopy = 2; };
      l();
    }
  )");
  // Calling the lambda writes the enclosing variable captured by reference;
  // the by-copy capture is the closure's own member.
  EffectSet Call = U.stmtEffects("f", 2);
  EXPECT_TRUE(Call.covers(Effect::write(localOf(U, "byref"))));
  EXPECT_FALSE(Call.covers(Effect::write(localOf(U, "bycopy"))));
  EXPECT_FALSE(Call.hasUnknown());
}
