//===- SuggestEffectsCheck.cpp - kara-suggest-effects ---------------------===//

#include "SuggestEffectsCheck.h"

#include "kara/Analysis/Annotations.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/CharInfo.h"

#include <set>

using namespace clang;
using namespace clang::ast_matchers;

namespace kara {

namespace {
AST_MATCHER(FunctionDecl, isInDependentContext) {
  return Node.isDependentContext();
}

bool isIdentifierPath(llvm::StringRef Path) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Path.split(Parts, "::");
  return llvm::all_of(Parts, [](llvm::StringRef P) {
    return !P.empty() && isAsciiIdentifierStart(P.front()) &&
           llvm::all_of(P, [](char C) { return isAsciiIdentifierContinue(C); });
  });
}
} // namespace

SuggestEffectsCheck::SuggestEffectsCheck(StringRef Name,
                                         tidy::ClangTidyContext *Context)
    : KaraCheckBase(Name, Context),
      FunctionFilter(Options.get("FunctionFilter", "")),
      HeadersOnly(boolOption("HeadersOnly", false)),
      ExplainSkipped(boolOption("ExplainSkipped", false)) {
  if (!FunctionFilter.empty()) {
    Filter.emplace(FunctionFilter);
    std::string Error;
    if (!Filter->isValid(Error)) {
      configurationDiag("invalid regular expression '%0' for option "
                        "'kara-suggest-effects.FunctionFilter': %1")
          << FunctionFilter << Error;
      Filter.reset();
    }
  }
}

void SuggestEffectsCheck::storeOptions(
    tidy::ClangTidyOptions::OptionMap &Opts) {
  KaraCheckBase::storeOptions(Opts);
  Options.store(Opts, "FunctionFilter", FunctionFilter);
  Options.store(Opts, "HeadersOnly", boolText(HeadersOnly));
  Options.store(Opts, "ExplainSkipped", boolText(ExplainSkipped));
}

void SuggestEffectsCheck::onStartOfTranslationUnit() {
  KaraCheckBase::onStartOfTranslationUnit();
  Done.clear();
}

void SuggestEffectsCheck::registerMatchers(MatchFinder *Finder) {
  // Off until FunctionFilter chooses functions: `kara-*` configurations and
  // CI gates must not start failing on every unannotated function.
  if (FunctionFilter.empty())
    return;
  // Template patterns have no summary and instantiations may differ: only
  // ordinary functions and members of ordinary classes.
  Finder->addMatcher(functionDecl(isDefinition(), hasBody(stmt()),
                                  unless(isImplicit()),
                                  unless(isInDependentContext()),
                                  unless(isTemplateInstantiation()))
                         .bind("function"),
                     this);
}

std::optional<std::string>
SuggestEffectsCheck::annotationFor(EffectAnalysis &A, const FunctionDecl *FD,
                                   const FunctionDecl *On, std::string &Why) {
  const FunctionSummary &Summary = A.summaryOf(FD);
  if (Summary.Source != SummarySource::Inferred) {
    Why = "its effects come from an effects database";
    return std::nullopt;
  }
  // What kara-effect-contract will compare the annotation with: the body,
  // callees at their contracts, the function's own locals dropped.
  FunctionSummary Body = A.bodyEffects(FD);
  if (Body.Effects.hasUnknown()) {
    Why = "its effects are unknown";
    return std::nullopt;
  }
  EffectSet Implied = EffectAnalysis::parameterTypeEffects(On);
  std::set<std::string> Reads, Writes;
  for (const Effect &E : Body.Effects) {
    const Target &T = E.On;
    std::string Name;
    switch (T.TargetKind) {
    case Target::Kind::Resource:
      Name = T.annotationSpelling();
      if (!isIdentifierPath(Name)) {
        Why = "it touches '" + Name + "', which no annotation can name";
        return std::nullopt;
      }
      // A resource spelt like a parameter of the declaration would name the
      // parameter: a leading `::` keeps it a resource.
      if (Name.find("::") == std::string::npos)
        for (const ParmVarDecl *P : On->parameters())
          if (P->getName() == Name)
            Name = "::" + Name;
      break;
    case Target::Kind::This:
    case Target::Kind::Param: {
      // The object as a whole: annotations name no members.
      Effect Whole{E.Kind, T.root()};
      if (isa<CXXConstructorDecl>(FD) && T.TargetKind == Target::Kind::This)
        continue; // the object under construction is the constructor's own
      if (llvm::is_contained(Implied, Whole))
        continue; // exactly what the parameter's type implies
      if (T.TargetKind == Target::Kind::This) {
        Name = "this";
      } else {
        const ParmVarDecl *P = T.ParamIndex < On->getNumParams()
                                   ? On->getParamDecl(T.ParamIndex)
                                   : nullptr;
        if (!P || P->getName().empty()) {
          Why = "it touches an unnamed parameter, which no annotation can "
                "name";
          return std::nullopt;
        }
        Name = P->getNameAsString();
      }
      break;
    }
    case Target::Kind::Local:
    case Target::Kind::Unknown:
      Why = "it touches a variable of another function";
      return std::nullopt;
    case Target::Kind::Referent:
      Why = "it " + std::string(E.isWrite() ? "writes" : "reads") +
            " through a stored pointer or reference (" + E.str() +
            "), which no annotation can name";
      return std::nullopt;
    }
    (E.isWrite() ? Writes : Reads).insert(Name);
  }
  for (const std::string &W : Writes)
    Reads.erase(W);
  auto List = [](const std::set<std::string> &Names) {
    std::string Out;
    for (const std::string &N : Names)
      Out += (Out.empty() ? "" : ", ") + N;
    return Out;
  };
  if (Reads.empty() && Writes.empty())
    return std::string("[[kara::pure]]");
  std::string Result = "[[";
  if (!Reads.empty())
    Result += "kara::reads(" + List(Reads) + ")";
  if (!Writes.empty())
    Result += std::string(Reads.empty() ? "" : ", ") + "kara::writes(" +
              List(Writes) + ")";
  return Result + "]]";
}

void SuggestEffectsCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("function");
  if (!FD || FD->isInvalidDecl() || !Filter)
    return;
  const FunctionDecl *On = FD->getCanonicalDecl();
  if (!Done.insert(On).second)
    return;
  // Not annotatable with what this body does: the user's contract, the
  // contract of a hierarchy, a lambda, main, destructors, deleted ones.
  if (declaredEffects(FD) || FD->isMain() || FD->isDeleted() ||
      FD->isDefaulted() || isa<CXXDestructorDecl>(FD) ||
      isa<CXXConversionDecl>(FD) || On->getFriendObjectKind() != Decl::FOK_None)
    return;
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
    if (MD->isVirtual() || MD->getParent()->isLambda() ||
        MD->getParent()->isLocalClass())
      return;
  if (FD->getTemplateSpecializationKind() != TSK_Undeclared ||
      FD->getDescribedFunctionTemplate())
    return;
  const SourceManager &SM = *Result.SourceManager;
  SourceLocation Insert = On->getBeginLoc();
  if (Insert.isInvalid() || Insert.isMacroID() || SM.isInSystemHeader(Insert) ||
      !isReportedLocation(Insert, SM))
    return;
  if (HeadersOnly && SM.isInMainFile(Insert))
    return;
  std::string Name = EffectAnalysis::databaseName(FD);
  if (!Filter->match(Name))
    return;
  EffectAnalysis &A = analysis(*Result.Context);
  std::string Why;
  std::optional<std::string> Annotation = annotationFor(A, FD, On, Why);
  if (!Annotation) {
    if (ExplainSkipped)
      diag(On->getLocation(), "no kara annotation is suggested for %0: %1",
           DiagnosticIDs::Remark)
          << FD << Why;
    return;
  }
  diag(On->getLocation(), "%0 can be annotated with its inferred effects: %1")
      << FD << *Annotation
      << FixItHint::CreateInsertion(Insert, *Annotation + " ");
}

} // namespace kara
