//===- EffectContractCheck.cpp - kara-effect-contract ---------------------===//

#include "EffectContractCheck.h"

#include "kara/Analysis/Annotations.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace kara {

namespace {
AST_MATCHER(FunctionDecl, isInDependentContext) {
  return Node.isDependentContext();
}
AST_MATCHER(FunctionDecl, hasDeclaredEffects) {
  return declaredEffects(&Node).has_value();
}
} // namespace

EffectContractCheck::EffectContractCheck(StringRef Name,
                                         tidy::ClangTidyContext *Context)
    : KaraCheckBase(Name, Context),
      MaxReports(Options.get("MaxReportsPerFunction", 5U)) {}

void EffectContractCheck::storeOptions(
    tidy::ClangTidyOptions::OptionMap &Opts) {
  KaraCheckBase::storeOptions(Opts);
  Options.store(Opts, "MaxReportsPerFunction", MaxReports);
}

void EffectContractCheck::registerMatchers(MatchFinder *Finder) {
  // Template patterns are checked through their instantiations, where every
  // call is resolved.
  Finder->addMatcher(
      functionDecl(isDefinition(), hasBody(stmt()), unless(isImplicit()),
                   unless(isInDependentContext()), hasDeclaredEffects())
          .bind("function"),
      this);
}

void EffectContractCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("function");
  if (!FD || FD->isInvalidDecl())
    return;
  EffectAnalysis &A = analysis(*Result.Context);
  const FunctionSummary &Declared = A.contractSummaryOf(FD);
  reportWiderThanOverridden(A, FD);
  std::vector<EffectEntry> Undeclared = A.undeclaredEffects(FD);
  if (Undeclared.empty())
    return;
  FunctionSummary Body = A.bodyEffects(FD);

  unsigned Reported = 0;
  for (const EffectEntry &Entry : Undeclared) {
    if (Reported++ == MaxReports)
      break;
    if (Entry.E.On.isUnknown() && Entry.Why.ReasonKind == Reason::Kind::Access)
      diag(FD->getLocation(),
           "%0 accesses memory the analysis cannot name (through a reference "
           "or pointer it does not follow), which its kara annotations cannot "
           "cover; declared %1")
          << FD << Declared.Effects.str();
    else if (Entry.E.On.isReferent())
      diag(FD->getLocation(),
           "%0 %1: it goes through a stored pointer or reference to an "
           "object its object does not own, which its kara annotations "
           "cannot cover; declared %2")
          << FD << Entry.E.str() << Declared.Effects.str();
    else if (Entry.E.On.isUnknown())
      diag(FD->getLocation(),
           "%0 has effects its kara annotations cannot cover: it calls code "
           "whose effects are unknown; declared %1")
          << FD << Declared.Effects.str();
    else
      diag(FD->getLocation(),
           "%0 %1, which its kara annotations do not declare; declared %2")
          << FD << Entry.E.str() << Declared.Effects.str();
    explainEffect(*this, A, Body, Entry.E);
    const FunctionDecl *On = annotatedDeclaration(FD);
    if (On && On->getCanonicalDecl() != FD->getCanonicalDecl())
      diag(On->getLocation(),
           "the contract is inherited from the overridden %0, declared here",
           DiagnosticIDs::Note)
          << ("'" + EffectAnalysis::displayName(On) + "'");
    else if (On && On->getLocation() != FD->getLocation())
      diag(On->getLocation(), "effects declared here", DiagnosticIDs::Note);
  }
}

void EffectContractCheck::reportWiderThanOverridden(EffectAnalysis &A,
                                                    const FunctionDecl *FD) {
  unsigned Reported = 0;
  for (const auto &[E, Base] : A.exceedsOverriddenContract(FD)) {
    if (Reported++ == MaxReports)
      break;
    diag(FD->getLocation(),
         "%0 declares %1, which the contract of the overridden %2 does not "
         "cover: calls through the base rely on that contract; declared there "
         "%3")
        << FD << E.str() << ("'" + EffectAnalysis::displayName(Base) + "'")
        << A.contractSummaryOf(Base).Effects.str();
    if (const FunctionDecl *On = annotatedDeclaration(Base))
      diag(On->getLocation(), "the overridden contract is declared here",
           DiagnosticIDs::Note);
  }
}

} // namespace kara
