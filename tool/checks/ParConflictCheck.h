//===- ParConflictCheck.h - kara-par-conflict
//----------------------------------------===//
//
// docs/checks/kara-par-conflict.md
//
//===----------------------------------------------------------------------===//
#ifndef KARA_CHECKS_PARCONFLICTCHECK_H
#define KARA_CHECKS_PARCONFLICTCHECK_H

#include "KaraCheckContext.h"

namespace kara {

class ParConflictCheck : public KaraCheckBase {
public:
  ParConflictCheck(llvm::StringRef Name,
                   clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  /// Caller data bound to a reference (or pointer) parameter of the
  /// constructor of an actor's state, and used by the caller afterwards.
  void checkSharedWithActor(const clang::CXXConstructExpr *CE,
                            const clang::FunctionDecl *Context,
                            clang::ASTContext &Ctx);

  bool ReportUnknown;
  unsigned MaxReports;
};

} // namespace kara

#endif
