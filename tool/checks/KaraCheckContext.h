//===- KaraCheckContext.h - What the kara checks share ----------*- C++ -*-===//
//
// The effects databases named by the `kara.EffectsDatabases` option and one
// EffectAnalysis per translation unit, shared by every kara check so that
// summaries are computed once.
//
//===----------------------------------------------------------------------===//
#ifndef KARA_CHECKS_KARACHECKCONTEXT_H
#define KARA_CHECKS_KARACHECKCONTEXT_H

#include "kara/Analysis/DatabaseFiles.h"
#include "kara/Analysis/EffectAnalysis.h"

#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/Support/Regex.h"

#include <memory>
#include <optional>
#include <string>

namespace kara {

/// True in kara-clangd: diagnostics go to an editor, which shows no source
/// snippets but applies each diagnostic's fix-its as one code action.
extern bool DiagnosticsForEditor;

/// Base of the kara checks: reads the shared options (relative paths
/// resolved as for files named in configuration), reports a bad database
/// once per translation unit as a diagnostic of one kara check, and hands
/// out the translation unit's analysis.
class KaraCheckBase : public clang::tidy::ClangTidyCheck {
public:
  KaraCheckBase(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  bool isLanguageVersionSupported(const clang::LangOptions &LO) const override {
    return LO.CPlusPlus11;
  }
  void onStartOfTranslationUnit() override;

protected:
  /// A boolean option. (clang-tidy's get<bool> specialisation is mangled
  /// differently by GCC and Clang, so it is read as text.)
  bool boolOption(llvm::StringRef Name, bool Default) const;
  static const char *boolText(bool Value) { return Value ? "true" : "false"; }

  /// True if clang-tidy shows diagnostics for the file of `Loc`: the main
  /// file, and headers matching HeaderFilterRegex (system headers only with
  /// SystemHeaders). Checks skip the rest early: nobody sees their results.
  bool isReportedLocation(clang::SourceLocation Loc,
                          const clang::SourceManager &SM) const;

  /// The analysis of the translation unit `Ctx` belongs to.
  EffectAnalysis &analysis(clang::ASTContext &Ctx);

private:
  clang::tidy::ClangTidyContext *TidyContext;
  std::string CheckName;
  std::string DatabaseFiles;
  /// kara.SummaryDatabase: kara-summarize output for cross-TU calls.
  std::string SummaryFiles;
  /// kara.ClosedHierarchies: the unit sees every class of its hierarchies.
  bool ClosedHierarchies = false;
  std::shared_ptr<const EffectsDatabase> Summaries;
  std::shared_ptr<const EffectsDatabase> Database;
  /// What to report when a database named in the options does not load.
  std::string DatabaseError;
  std::shared_ptr<EffectAnalysis> Analysis;
  /// HeaderFilterRegex and ExcludeHeaderFilterRegex, compiled on first use.
  struct Filters {
    std::optional<llvm::Regex> Include, Exclude;
  };
  mutable std::optional<Filters> HeaderFilters;
};

/// Adds notes to the last diagnostic that explain why `E` is in `Summary`,
/// following calls down to the access, annotation or database entry.
void explainEffect(clang::tidy::ClangTidyCheck &Check, EffectAnalysis &A,
                   const FunctionSummary &Summary, const Effect &E,
                   unsigned MaxDepth = 8);

} // namespace kara

#endif
