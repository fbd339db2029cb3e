//===- ParallelizeCheck.h - kara-parallelize --------------------*- C++ -*-===//
//
// Finds runs of independent statements that call kara-annotated functions
// and rewrites them into one kara::par(...) (SPEC §4).
// docs/checks/kara-parallelize.md
//
//===----------------------------------------------------------------------===//
#ifndef KARA_CHECKS_PARALLELIZECHECK_H
#define KARA_CHECKS_PARALLELIZECHECK_H

#include "KaraCheckContext.h"

#include "kara/Analysis/Dependence.h"

#include "clang-tidy/utils/IncludeInserter.h"

namespace kara {

class ParallelizeCheck : public KaraCheckBase {
public:
  ParallelizeCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerPPCallbacks(const clang::SourceManager &SM,
                           clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  void handleRun(const std::vector<StatementInfo> &Run,
                 const clang::CompoundStmt *Block, unsigned RunEnd,
                 DependenceAnalysis &Deps, EffectAnalysis &Effects,
                 const clang::ast_matchers::MatchFinder::MatchResult &Result);
  void explainMissed(const std::vector<StatementInfo> &Run, const RunPlan &Plan,
                     const std::string &Why);

  bool StrictExceptionOrder;
  bool ExplainMissed;
  clang::tidy::utils::IncludeInserter Inserter;
  const clang::SourceManager *CurrentSM = nullptr;
};

} // namespace kara

#endif
