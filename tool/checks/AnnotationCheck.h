//===- AnnotationCheck.h - kara-annotation ----------------------*- C++ -*-===//
//
// Reports malformed kara attributes: arguments that are not resource paths,
// misspelt parameter names, `this` outside a member function, empty or
// unbalanced argument lists, arguments to [[kara::pure]], and pure combined
// with reads/writes, misspelt attribute names (`kara::raeds`).
// docs/checks/kara-annotation.md
//
//===----------------------------------------------------------------------===//
#ifndef KARA_CHECKS_ANNOTATIONCHECK_H
#define KARA_CHECKS_ANNOTATIONCHECK_H

#include "clang-tidy/ClangTidyCheck.h"

namespace kara {

class AnnotationCheck : public clang::tidy::ClangTidyCheck {
public:
  using ClangTidyCheck::ClangTidyCheck;
  bool isLanguageVersionSupported(const clang::LangOptions &LO) const override {
    return LO.CPlusPlus11;
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void registerPPCallbacks(const clang::SourceManager &SM,
                           clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;

  /// Reports `kara::X` attribute names that are not kara attributes in the
  /// main file, with the nearest one as a fix. The compiler keeps no trace
  /// of an attribute it does not know, so the file is read as tokens.
  void checkAttributeNames(const clang::SourceManager &SM);
  void onEndOfTranslationUnit() override;

private:
  const clang::SourceManager *MainSM = nullptr;
};

} // namespace kara

#endif
