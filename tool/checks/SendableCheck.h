//===- SendableCheck.h - kara-sendable ----------------------------------------===//
//
// docs/checks/kara-sendable.md
//
//===----------------------------------------------------------------------===//
#ifndef KARA_CHECKS_SENDABLECHECK_H
#define KARA_CHECKS_SENDABLECHECK_H

#include "KaraCheckContext.h"

namespace kara {

class SendableCheck : public KaraCheckBase {
public:
  using KaraCheckBase::KaraCheckBase;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace kara

#endif
