//===- EffectContractCheck.h - kara-effect-contract -------------*- C++ -*-===//
//
// Reports a function whose body exceeds the effects its kara annotations
// declare, with a note chain from the body down to the offending access.
// docs/checks/kara-effect-contract.md
//
//===----------------------------------------------------------------------===//
#ifndef KARA_CHECKS_EFFECTCONTRACTCHECK_H
#define KARA_CHECKS_EFFECTCONTRACTCHECK_H

#include "KaraCheckContext.h"

namespace kara {

class EffectContractCheck : public KaraCheckBase {
public:
  EffectContractCheck(llvm::StringRef Name,
                      clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  /// An override whose own annotations declare more than an overridden
  /// annotated method promises (issue 13 §2).
  void reportWiderThanOverridden(EffectAnalysis &A,
                                 const clang::FunctionDecl *FD);
  /// How many undeclared effects to report per function.
  unsigned MaxReports;
};

} // namespace kara

#endif
