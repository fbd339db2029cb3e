//===- TestUnit.h - Small ASTs for the analysis library's unit tests ------===//
//
// One parsed translation unit (`buildASTFromCodeWithArgs`, as
// clang/unittests/Analysis does) with an EffectAnalysis over it, and lookups
// of the declarations, statements and calls the tests ask about.
//
//===----------------------------------------------------------------------===//
#ifndef KARA_TEST_UNIT_ANALYSIS_TESTUNIT_H
#define KARA_TEST_UNIT_ANALYSIS_TESTUNIT_H

#include "kara/Analysis/EffectAnalysis.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

namespace kara {
// gtest prints sets and effects in the tool's notation on failure.
inline void PrintTo(const EffectSet &S, std::ostream *OS) { *OS << S.str(); }
inline void PrintTo(const Effect &E, std::ostream *OS) { *OS << E.str(); }
inline void PrintTo(const Target &T, std::ostream *OS) { *OS << T.str(); }
} // namespace kara

namespace kara::test {

/// The runtime's entry points as the tool recognises them (by qualified
/// name, RuntimeApi.def), declared only: parsing the real runtime costs a
/// second per test.
inline const char *MockRuntime = R"(
namespace kara {
template <class... F> void par(F &&...) {}
template <class... F> int race(F &&...) { return 0; }
class nursery {
public:
  template <class F> void spawn(F &&) {}
  template <class F> void spawn_blocking(F &&) {}
};
template <class F> void scope(F &&) {}
template <class T> class task {
public:
  void join();
  ~task();
};
template <class F> task<int> spawn(F &&) { return {}; }
template <class F, class R> void map(F &&, R &) {}
template <class T> class actor {
public:
  template <class... A> explicit actor(A &&...) {}
  template <class M, class... A> void send(M, A &&...) {}
};
}
namespace std {
template <class T> struct atomic {
  void store(T);
  T load() const;
};
}
)";

class TestUnit {
public:
  /// `Prefix` (the mock runtime, say) goes before `Code`; line() counts
  /// lines of `Code`.
  explicit TestUnit(const std::string &Code, const std::string &Json = "",
                    const std::string &Prefix = "")
      : PrefixLines(std::count(Prefix.begin(), Prefix.end(), '\n')) {
    if (!Json.empty()) {
      std::string Error;
      EXPECT_TRUE(DB.addJson(Json, "test.json", Error)) << Error;
    }
    AST = clang::tooling::buildASTFromCodeWithArgs(
        Prefix + Code,
        {"-std=c++20", "-fsyntax-only", "-Wno-unknown-attributes"},
        "input.cpp");
    EXPECT_TRUE(AST);
    EXPECT_FALSE(AST->getDiagnostics().hasErrorOccurred());
    Analysis = std::make_unique<EffectAnalysis>(AST->getASTContext(), DB);
  }

  clang::ASTContext &ctx() { return AST->getASTContext(); }

  /// The definition of the function named Name (the declaration if none).
  const clang::FunctionDecl *fn(const std::string &Name) {
    using namespace clang::ast_matchers;
    const clang::FunctionDecl *Found = nullptr;
    for (const BoundNodes &N :
         match(functionDecl(hasName(Name)).bind("f"), ctx())) {
      const auto *FD = N.getNodeAs<clang::FunctionDecl>("f");
      if (!Found || FD->isThisDeclarationADefinition())
        Found = FD;
    }
    EXPECT_NE(Found, nullptr) << Name;
    return Found;
  }

  /// The I-th statement of the body of the function named Name.
  const clang::Stmt *stmt(const std::string &Name, unsigned I) {
    const auto *Body =
        llvm::dyn_cast_or_null<clang::CompoundStmt>(fn(Name)->getBody());
    EXPECT_TRUE(Body && I < Body->size()) << Name << " statement " << I;
    return Body && I < Body->size() ? Body->body_begin()[I] : nullptr;
  }

  /// The variable (or parameter, or binding's hidden variable) named Name.
  const clang::VarDecl *var(const std::string &Name) {
    using namespace clang::ast_matchers;
    auto Found = match(varDecl(hasName(Name)).bind("v"), ctx());
    EXPECT_EQ(Found.size(), 1u) << Name;
    return Found.empty() ? nullptr
                         : Found.front().getNodeAs<clang::VarDecl>("v");
  }

  /// The Nth call (in traversal order) of a function named Callee.
  const clang::CallExpr *call(const std::string &Callee, unsigned Nth = 0) {
    using namespace clang::ast_matchers;
    auto Found =
        match(callExpr(callee(functionDecl(hasName(Callee)))).bind("c"), ctx());
    EXPECT_LT(Nth, Found.size()) << Callee;
    return Nth < Found.size() ? Found[Nth].getNodeAs<clang::CallExpr>("c")
                              : nullptr;
  }

  /// The effects of the I-th statement of Name's body, in Name's context.
  EffectSet stmtEffects(const std::string &Name, unsigned I) {
    EffectSet Set;
    for (const EffectEntry &E :
         Analysis->statementEffects(stmt(Name, I), fn(Name)))
      Set.add(E.E);
    return Set;
  }

  /// The line of a source location (its file location) in `Code`.
  unsigned line(clang::SourceLocation Loc) {
    const clang::SourceManager &SM = ctx().getSourceManager();
    return SM.getSpellingLineNumber(SM.getFileLoc(Loc)) - PrefixLines;
  }

  unsigned PrefixLines;
  EffectsDatabase DB;
  std::unique_ptr<clang::ASTUnit> AST;
  std::unique_ptr<EffectAnalysis> Analysis;
};

/// `local 'Name'` of the variable named Name in U.
inline Target localOf(TestUnit &U, const std::string &Name,
                      std::vector<std::string> Members = {}) {
  return Target::local(U.var(Name)->getCanonicalDecl(), Name,
                       std::move(Members));
}

} // namespace kara::test

#endif
