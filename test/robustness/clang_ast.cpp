// Robustness corpus: LLVM/Clang's own AST headers (ASTContext,
// RecursiveASTVisitor, AST matchers).
// EXPECT: warning: 'count_functions' .*Seen.*\[kara-effect-contract\]
#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include <kara/annotations.hpp>

int Seen;

namespace {
class Counter : public clang::RecursiveASTVisitor<Counter> {
public:
  bool VisitFunctionDecl(clang::FunctionDecl *FD) {
    Names.push_back(FD->getNameAsString());
    return true;
  }
  llvm::SmallVector<std::string, 16> Names;
};
} // namespace

[[kara::reads(ctx)]] unsigned count_functions(clang::ASTContext &ctx) {
  Counter C;
  C.TraverseDecl(ctx.getTranslationUnitDecl());
  ++Seen;
  return static_cast<unsigned>(C.Names.size());
}

[[kara::reads(ctx)]] unsigned count_calls(clang::ASTContext &ctx) {
  using namespace clang::ast_matchers;
  auto Matches = match(callExpr(callee(functionDecl(hasName("f")))).bind("c"), ctx);
  llvm::DenseMap<const clang::Stmt *, unsigned> Seen2;
  for (auto &M : Matches)
    ++Seen2[M.getNodeAs<clang::CallExpr>("c")];
  return Seen2.size();
}
