//===- AnnotationCheck.h - kara-annotation ----------------------*- C++ -*-===//
//
// Reports malformed kara attributes: arguments that are not resource paths,
// misspelt parameter names, `this` outside a member function, empty or
// unbalanced argument lists, arguments to [[kara::pure]], and pure combined
// with reads/writes. docs/checks/kara-annotation.md
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
};

} // namespace kara

#endif
