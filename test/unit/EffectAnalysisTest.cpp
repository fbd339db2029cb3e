// EffectAnalysis on small translation units: whether calls and statements
// may throw (SPEC §4) and whether an annotated body breaks its contract.
#include "kara/Analysis/EffectAnalysis.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;
using kara::EffectAnalysis;
using kara::EffectsDatabase;

namespace {

/// One parsed unit and an analysis over it.
class Unit {
public:
  explicit Unit(const std::string &Code, const std::string &Json = "") {
    if (!Json.empty()) {
      std::string Error;
      EXPECT_TRUE(DB.addJson(Json, "test.json", Error)) << Error;
    }
    AST = tooling::buildASTFromCodeWithArgs(
        Code, {"-std=c++20", "-fsyntax-only", "-Wno-unknown-attributes"},
        "input.cpp");
    EXPECT_TRUE(AST);
    EXPECT_FALSE(AST->getDiagnostics().hasErrorOccurred());
    Analysis = std::make_unique<EffectAnalysis>(AST->getASTContext(), DB);
  }

  /// The definition of the function named Name (the declaration if none).
  const FunctionDecl *fn(const std::string &Name) {
    const FunctionDecl *Found = nullptr;
    for (const BoundNodes &N :
         match(functionDecl(hasName(Name)).bind("f"), AST->getASTContext())) {
      const auto *FD = N.getNodeAs<FunctionDecl>("f");
      if (!Found || FD->isThisDeclarationADefinition())
        Found = FD;
    }
    EXPECT_NE(Found, nullptr) << Name;
    return Found;
  }

  /// The I-th statement of the body of the function named Name.
  const Stmt *stmt(const std::string &Name, unsigned I) {
    const auto *Body = dyn_cast_or_null<CompoundStmt>(fn(Name)->getBody());
    EXPECT_TRUE(Body && I < Body->size());
    return Body->body_begin()[I];
  }

  bool mayThrow(const std::string &Name) {
    return Analysis->mayThrow(fn(Name));
  }
  bool stmtMayThrow(const std::string &Name, unsigned I) {
    return Analysis->mayThrow(stmt(Name, I), fn(Name));
  }

  EffectsDatabase DB;
  std::unique_ptr<ASTUnit> AST;
  std::unique_ptr<EffectAnalysis> Analysis;
};

const char *StdExceptions = R"(
namespace std {
class exception { public: virtual ~exception() noexcept; };
class bad_alloc : public exception {};
using size_t = decltype(sizeof(0));
}
)";

} // namespace

TEST(MayThrow, DeclarationsAndNoexcept) {
  Unit U(R"(
    void opaque();
    void opaque_nothrow() noexcept;
    template <bool B> void cond() noexcept(B);
    void use() { cond<true>(); cond<false>(); }
  )");
  EXPECT_TRUE(U.mayThrow("opaque"));
  EXPECT_FALSE(U.mayThrow("opaque_nothrow"));
  EXPECT_TRUE(U.stmtMayThrow("use", 1));
  EXPECT_FALSE(U.stmtMayThrow("use", 0));
}

TEST(MayThrow, InferredFromBodiesTransitively) {
  Unit U(R"(
    int leaf(int x) { return x * 2; }
    int middle(int x) { return leaf(x) + 1; }
    int thrower(int x) { if (x < 0) throw x; return x; }
    int calls_thrower(int x) { return middle(x) + thrower(x); }
    void opaque();
    int calls_opaque(int x) { opaque(); return x; }
  )");
  EXPECT_FALSE(U.mayThrow("leaf"));
  EXPECT_FALSE(U.mayThrow("middle"));
  EXPECT_TRUE(U.mayThrow("thrower"));
  EXPECT_TRUE(U.mayThrow("calls_thrower"));
  EXPECT_TRUE(U.mayThrow("calls_opaque"));
}

TEST(MayThrow, RecursionIsAnOptimisticFixpoint) {
  Unit U(R"(
    int odd(int n);
    int even(int n) { return n == 0 ? 1 : odd(n - 1); }
    int odd(int n) { return n == 0 ? 0 : even(n - 1); }
    int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
    int down(int n);
    int up(int n) { if (n > 100) throw n; return down(n + 1); }
    int down(int n) { return n <= 0 ? 0 : up(n - 1); }
  )");
  EXPECT_FALSE(U.mayThrow("even"));
  EXPECT_FALSE(U.mayThrow("odd"));
  EXPECT_FALSE(U.mayThrow("fib"));
  EXPECT_TRUE(U.mayThrow("down"));
  EXPECT_TRUE(U.mayThrow("up"));
}

TEST(MayThrow, VirtualAndIndirectCallsNeedANoexceptType) {
  Unit U(R"(
    struct B {
      virtual int f() { return 1; }
      virtual int g() noexcept { return 2; }
    };
    struct D final : B { int f() override { return 3; } };
    int via_base(B &b) { return b.f(); }
    int via_base_nothrow(B &b) { return b.g(); }
    int via_final(D &d) { return d.f(); }
    int qualified(B &b) { return b.B::f(); }
    int via_pointer(int (*p)(int)) { return p(1); }
    int via_nothrow_pointer(int (*p)(int) noexcept) { return p(1); }
    int via_member_pointer(B &b, int (B::*m)()) { return (b.*m)(); }
  )");
  EXPECT_TRUE(U.mayThrow("via_base"));
  EXPECT_FALSE(U.mayThrow("via_base_nothrow"));
  EXPECT_FALSE(U.mayThrow("via_final"));
  EXPECT_FALSE(U.mayThrow("qualified"));
  EXPECT_TRUE(U.mayThrow("via_pointer"));
  EXPECT_FALSE(U.mayThrow("via_nothrow_pointer"));
  EXPECT_TRUE(U.mayThrow("via_member_pointer"));
}

TEST(MayThrow, CatchAllMakesItsTryBlockNonThrowing) {
  Unit U(std::string(StdExceptions) + R"(
    void opaque();
    void caught() { try { opaque(); throw 1; } catch (...) {} }
    void typed_handler() { try { opaque(); } catch (int) {} }
    void rethrows() { try { opaque(); } catch (...) { throw; } }
    void nested() { try { try { opaque(); } catch (int) {} } catch (...) {} }
    void after_try() { try {} catch (...) {} opaque(); }
  )");
  EXPECT_FALSE(U.mayThrow("caught"));
  EXPECT_TRUE(U.mayThrow("typed_handler"));
  EXPECT_TRUE(U.mayThrow("rethrows"));
  EXPECT_FALSE(U.mayThrow("nested"));
  EXPECT_TRUE(U.mayThrow("after_try"));
}

TEST(MayThrow, AllocationFollowsTheOption) {
  Unit U(std::string(StdExceptions) + R"(
    void *operator new(std::size_t);
    void operator delete(void *) noexcept;
    int *make() { return new int(1); }
    int *make_array(int n) { return new int[n]; }
    int *guarded() {
      try { return new int(2); } catch (const std::bad_alloc &) { return nullptr; }
    }
    int *guarded_by_base() {
      try { return new int(3); } catch (std::exception &) { return nullptr; }
    }
    void free_it(int *p) { delete p; }
  )");
  EXPECT_TRUE(U.mayThrow("make"));
  EXPECT_TRUE(U.mayThrow("make_array"));
  EXPECT_FALSE(U.mayThrow("guarded"));
  EXPECT_FALSE(U.mayThrow("guarded_by_base"));
  EXPECT_FALSE(U.mayThrow("free_it"));
  U.Analysis->setAllocationMayThrow(false);
  EXPECT_FALSE(U.mayThrow("make"));
  EXPECT_FALSE(U.mayThrow("make_array"));
}

TEST(MayThrow, DatabaseEntriesAreTheAuthority) {
  Unit U(R"(
    namespace lib {
    int size(int);
    int parse(int);
    int visible(int x) { return x; }
    }
    int uses_size(int x) { return lib::size(x); }
  )",
         R"({"functions": {
      "lib::size": {"pure": true, "nothrow": true},
      "lib::parse": {"pure": true},
      "lib::visible": {"pure": true}}})");
  EXPECT_FALSE(U.mayThrow("lib::size"));
  EXPECT_FALSE(U.mayThrow("uses_size"));
  EXPECT_TRUE(U.mayThrow("lib::parse"));
  // A body that cannot throw does not override the entry.
  EXPECT_TRUE(U.mayThrow("lib::visible"));
}

TEST(MayThrow, ImplicitCallsAndRuntimeChecks) {
  Unit U(R"(
    namespace std { class type_info; }
    struct Guard { ~Guard() noexcept(false); };
    struct Make { Make(); };
    struct Conv { operator int() const; };
    struct Poly { virtual ~Poly(); };
    struct Sub : Poly {};
    void scoped() { Guard g; }
    void constructs() { Make m; }
    int converts(Conv c) { return c; }
    Sub &cast_ref(Poly &p) { return dynamic_cast<Sub &>(p); }
    Sub *cast_ptr(Poly *p) { return dynamic_cast<Sub *>(p); }
    const std::type_info &ti(Poly &p) { return typeid(p); }
    const std::type_info &ti_static(int &i) { return typeid(i); }
    int opaque();
    unsigned unevaluated() { return sizeof(opaque()) + noexcept(opaque()); }
    void closure() { auto l = [] { throw 1; }; (void)l; }
  )");
  EXPECT_TRUE(U.mayThrow("scoped"));
  EXPECT_TRUE(U.mayThrow("constructs"));
  EXPECT_TRUE(U.mayThrow("converts"));
  EXPECT_TRUE(U.mayThrow("cast_ref"));
  EXPECT_FALSE(U.mayThrow("cast_ptr"));
  EXPECT_TRUE(U.mayThrow("ti"));
  EXPECT_FALSE(U.mayThrow("ti_static"));
  EXPECT_FALSE(U.mayThrow("unevaluated"));
  EXPECT_FALSE(U.mayThrow("closure"));
}

TEST(MayThrow, Statements) {
  Unit U(R"(
    int pure_add(int a, int b) { return a + b; }
    int may(int);
    void body(int x) {
      int a = pure_add(x, 1);
      int b = may(x);
      try { may(x); } catch (...) {}
      if (x) throw x;
    }
  )");
  EXPECT_FALSE(U.stmtMayThrow("body", 0));
  EXPECT_TRUE(U.stmtMayThrow("body", 1));
  EXPECT_FALSE(U.stmtMayThrow("body", 2));
  EXPECT_TRUE(U.stmtMayThrow("body", 3));
}

TEST(ContractBroken, ComparesTheBodyWithTheAnnotations) {
  Unit U(R"(
    int A = 0, B = 0;
    int rand_like();
    [[kara::reads(A)]] int truthful() { return A; }
    [[kara::reads(A)]] int writes_a() { return ++A; }
    [[kara::pure]] int calls_unknown() { return rand_like(); }
    [[kara::reads(A)]] int no_body();
    int unannotated() { return ++B; }
    struct S {
      int v = 0;
      [[kara::pure]] S() { v = 1; }
      [[kara::reads(this)]] void set() { v = 2; }
    };
    template <class T> [[kara::pure]] int tpl(T t) { return t.get(); }
    struct Quiet { int get() { return 1; } };
    struct Loud { int get() { return ++B; } };
    int inst() { return tpl(Quiet{}) + tpl(Loud{}); }
  )");
  EffectAnalysis &A = *U.Analysis;
  EXPECT_FALSE(A.contractBroken(U.fn("truthful")));
  EXPECT_TRUE(A.contractBroken(U.fn("writes_a")));
  EXPECT_TRUE(A.contractBroken(U.fn("calls_unknown")));
  EXPECT_FALSE(A.contractBroken(U.fn("no_body")));
  EXPECT_FALSE(A.contractBroken(U.fn("unannotated")));
  EXPECT_FALSE(A.contractBroken(U.fn("S::S")));
  EXPECT_TRUE(A.contractBroken(U.fn("S::set")));
  ASSERT_EQ(A.undeclaredEffects(U.fn("writes_a")).size(), 1u);
  EXPECT_EQ(A.undeclaredEffects(U.fn("writes_a"))[0].E.str(), "writes(A)");

  // Per instantiation; the pattern itself is never judged.
  std::vector<bool> Broken;
  for (const BoundNodes &N :
       match(functionDecl(hasName("tpl"), isTemplateInstantiation()).bind("f"),
             U.AST->getASTContext()))
    Broken.push_back(A.contractBroken(N.getNodeAs<FunctionDecl>("f")));
  std::sort(Broken.begin(), Broken.end());
  EXPECT_EQ(Broken, (std::vector<bool>{false, true}));
}

TEST(EffectsDatabase, ReadsNothrow) {
  EffectsDatabase DB;
  std::string Error;
  ASSERT_TRUE(DB.addJson(R"({"functions": {
      "f": {"pure": true, "nothrow": true},
      "g": {"writes": ["X"]},
      "lib::Vec::*": {"pure": true, "nothrow": true}}})",
                         "t.json", Error))
      << Error;
  EXPECT_TRUE(DB.lookupFunction("f")->NoThrow);
  EXPECT_FALSE(DB.lookupFunction("g")->NoThrow);
  EXPECT_TRUE(DB.lookupFunction("lib::Vec::size")->NoThrow);
  EffectsDatabase Bad;
  EXPECT_FALSE(Bad.addJson(R"({"functions": {"f": {"pure": true,
      "nothrow": "yes"}}})",
                           "bad.json", Error));
  EXPECT_NE(Error.find("'nothrow' must be true or false"), std::string::npos)
      << Error;
}

TEST(Summaries, BrokenContractsAreWidenedForCallers) {
  Unit U(R"(
    int A = 0;
    struct View {
      int &ref;
      [[kara::writes(this)]] int add(int d) { ref += d; return ref; }
    };
    [[kara::reads(A)]] int truthful() { return A; }
    int caller(View &v) { return v.add(1); }
  )");
  EffectAnalysis &A = *U.Analysis;
  // Callers see what the body does; the contract stays what was declared.
  // The body writes the referent of `ref` (*int), beyond writes(this).
  const kara::Effect Referent =
      kara::Effect::write(kara::Target::referent("int"));
  EXPECT_TRUE(A.summaryOf(U.fn("View::add")).Effects.covers(Referent));
  EXPECT_FALSE(A.contractSummaryOf(U.fn("View::add")).Effects.covers(Referent));
  EXPECT_EQ(A.summaryOf(U.fn("View::add")).Source,
            kara::SummarySource::Declared);
  EXPECT_TRUE(A.summaryOf(U.fn("caller")).Effects.covers(Referent));
  EXPECT_FALSE(A.contractSummaryOf(U.fn("caller")).Effects.covers(Referent));
  EXPECT_EQ(A.summaryOf(U.fn("truthful")).Effects.str(), "{reads(A)}");
  EXPECT_TRUE(A.contractBroken(U.fn("View::add")));
}
