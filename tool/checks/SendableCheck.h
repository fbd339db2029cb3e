//===- SendableCheck.h - kara-sendable
//----------------------------------------===//
//
// docs/checks/kara-sendable.md. SPEC §3, §6: non-sendable values and racing
// by-reference captures crossing a spawn boundary, use of a kara::unique
// after it was moved into a task, `this` captured into a task that may
// outlive the object, and the fields of classes marked [[kara::sendable]].
//
//===----------------------------------------------------------------------===//
#ifndef KARA_CHECKS_SENDABLECHECK_H
#define KARA_CHECKS_SENDABLECHECK_H

#include "KaraCheckContext.h"
#include "kara/Analysis/RuntimeApi.h"

#include "clang/AST/ExprCXX.h"

#include "llvm/ADT/DenseSet.h"

namespace kara {

class SendableCheck : public KaraCheckBase {
public:
  using KaraCheckBase::KaraCheckBase;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  void checkClass(const clang::CXXRecordDecl *RD, clang::ASTContext &Ctx);
  void checkSpawnCall(const clang::CallExpr *Call, clang::ASTContext &Ctx);
  void checkCaptures(const clang::LambdaExpr *LE, const clang::Expr *Arg,
                     const clang::CallExpr *Call,
                     const runtime::EntryInfo &Entry, clang::ASTContext &Ctx);
  void checkRecover(const clang::CallExpr *Call, clang::ASTContext &Ctx);
  /// Values sent to a task, an actor, a channel or a promise are sendable.
  void checkSentValues(llvm::ArrayRef<const clang::Expr *> Args,
                       const runtime::EntryInfo &Entry, clang::ASTContext &Ctx);
  /// The result of a.ask / a.call does not refer to the actor's state.
  void checkResult(const clang::CallExpr *Call, const runtime::EntryInfo &Entry,
                   clang::ASTContext &Ctx);
  void checkActorConstruction(const clang::CXXConstructExpr *CE,
                              clang::ASTContext &Ctx);
  void checkThisEscape(const clang::LambdaExpr *LE, const clang::CallExpr *Call,
                       const runtime::EntryInfo &Entry, clang::ASTContext &Ctx);
  void checkUseAfterMove(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void checkRaces(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void checkAliases(const struct SpawnSite &Site, clang::ASTContext &Ctx);

  /// Captures already reported (a lambda stored in a variable and passed
  /// to several spawn calls is reported once).
  llvm::DenseSet<const void *> Reported;
};

} // namespace kara

#endif
