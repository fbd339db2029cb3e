//===- SuggestEffectsCheck.h - kara-suggest-effects -------------*- C++ -*-===//
//
// Writes the inferred effects of chosen unannotated functions as kara
// annotations on their first declaration (issue 13 §5), so that adopting the
// tool on a large code base starts from what the analysis already knows.
// docs/checks/kara-suggest-effects.md
//
//===----------------------------------------------------------------------===//
#ifndef KARA_CHECKS_SUGGESTEFFECTSCHECK_H
#define KARA_CHECKS_SUGGESTEFFECTSCHECK_H

#include "KaraCheckContext.h"

#include "llvm/ADT/DenseSet.h"

#include <optional>
#include <string>

namespace kara {

class SuggestEffectsCheck : public KaraCheckBase {
public:
  SuggestEffectsCheck(llvm::StringRef Name,
                      clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  /// The annotation that declares FD's inferred body effects, or nullopt
  /// (with `Why`) when they cannot be written as one.
  std::optional<std::string> annotationFor(EffectAnalysis &A,
                                           const clang::FunctionDecl *FD,
                                           const clang::FunctionDecl *On,
                                           std::string &Why);

  /// Regex over qualified names (`ns::Class::method`); empty: no function.
  std::string FunctionFilter;
  std::optional<llvm::Regex> Filter;
  /// Only functions whose first declaration is in a header.
  bool HeadersOnly;
  /// Also say why a chosen function gets no annotation (unknown effects...).
  bool ExplainSkipped;
  llvm::DenseSet<const clang::FunctionDecl *> Done;
};

} // namespace kara

#endif
