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

#include <map>
#include <optional>

namespace kara {

class ParallelizeCheck : public KaraCheckBase {
public:
  ParallelizeCheck(llvm::StringRef Name,
                   clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerPPCallbacks(const clang::SourceManager &SM,
                           clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  /// A rewrite of one run: the replaced range, its text, and what the
  /// diagnostic says.
  struct Rewrite {
    clang::SourceLocation Begin, End, DiagLoc;
    std::string Text;
    unsigned Statements = 0, Branches = 0;
    bool operator==(const Rewrite &O) const {
      return Begin == O.Begin && End == O.End && Text == O.Text;
    }
  };
  /// Plans every run of one block. Returns the rewrites; reports missed runs
  /// only outside template instantiations (they explain once, through the
  /// pattern), where branches also keep `[&]`: a type that is scalar in one
  /// instantiation may be a class in another.
  std::vector<Rewrite> planBlock(const clang::CompoundStmt *Block,
                                 const clang::FunctionDecl *Context,
                                 DependenceAnalysis &Deps,
                                 const clang::SourceManager &SM,
                                 bool Instantiation);
  std::optional<Rewrite> planRun(const std::vector<StatementInfo> &Run,
                                 const clang::CompoundStmt *Block,
                                 unsigned RunEnd, DependenceAnalysis &Deps,
                                 const clang::SourceManager &SM,
                                 bool Instantiation);
  void emit(const Rewrite &R, const clang::SourceManager &SM);
  void onEndOfTranslationUnit() override;
  /// ExplainMissed: why a run was not rewritten, and why statements of a
  /// rewritten run stay after the par.
  void explainMissed(const std::vector<StatementInfo> &Run, const RunPlan &Plan,
                     const std::string &Why);
  void explainDeferred(const std::vector<StatementInfo> &Run,
                       const RunPlan &Plan);
  void explainDependences(const std::vector<StatementInfo> &Run,
                          const RunPlan &Plan, bool OnlyDeferred);

  /// Templates: the rewrites each instantiation of a block would get. A
  /// block is rewritten only if every instantiation agrees.
  struct TemplateBlock {
    std::vector<std::vector<Rewrite>> PerInstantiation;
  };
  std::map<unsigned, TemplateBlock> TemplateBlocks; // by block location
  const clang::SourceManager *EndSM = nullptr;

  bool StrictExceptionOrder;
  bool ExplainMissed;
  clang::tidy::utils::IncludeInserter Inserter;
  const clang::SourceManager *CurrentSM = nullptr;
  const clang::ASTContext *CurrentAST = nullptr;
};

} // namespace kara

#endif
