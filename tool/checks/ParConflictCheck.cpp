//===- ParConflictCheck.cpp - kara-par-conflict ---------------------------===//
//
// For every kara::par / race / scope / spawn / spawn_blocking / map /
// map_limited call, the sides that run concurrently (kara/Analysis/
// Concurrency.h) and their effects (EffectAnalysis): a pair of sides whose
// effects conflict is a data race proved at compile time. Conflicts that
// are only about local variables captured by reference are kara-sendable's
// (reported once, there).
//
//===----------------------------------------------------------------------===//

#include "ParConflictCheck.h"

#include "kara/Analysis/Concurrency.h"
#include "kara/Analysis/RuntimeApi.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace kara {

namespace {

/// Races on local variables captured by reference are kara-sendable's: a
/// conflict between two local targets, or between a write of a local and
/// a read the analysis could not resolve (which could only race with that
/// write), is left to it.
bool bothLocal(const Effect &L, const Effect &R) {
  auto IsLocal = [](const Effect &E) {
    return E.On.TargetKind == Target::Kind::Local;
  };
  auto UnknownRead = [](const Effect &E) {
    return E.On.isUnknown() && !E.isWrite();
  };
  // A read through a stored pointer (a Referent) may read that local: it is
  // reported here, not left to kara-sendable.
  return (IsLocal(L) && IsLocal(R)) || (IsLocal(L) && UnknownRead(R)) ||
         (UnknownRead(L) && IsLocal(R));
}

/// The conflicting pair to report between two summaries: a conflict on a
/// known target first, then one involving `unknown`.
/// Messages to one actor (operations on one channel) are ordered by the
/// runtime: they conflict for reordering, never as a race (SPEC §8).
bool bothSerialised(const FunctionSummary &L, const Effect &A,
                    const FunctionSummary &R, const Effect &B,
                    EffectAnalysis &Analysis) {
  const Reason *RA = L.reasonFor(A), *RB = R.reasonFor(B);
  return RA && RB && isSerialisedAccess(*RA, Analysis) &&
         isSerialisedAccess(*RB, Analysis);
}

std::optional<std::pair<Effect, Effect>>
pickConflict(const FunctionSummary &L, const FunctionSummary &R, bool Self,
             bool ReportUnknown, EffectAnalysis &Analysis) {
  std::optional<std::pair<Effect, Effect>> Unknown;
  for (const Effect &A : L.Effects)
    for (const Effect &B : R.Effects) {
      if (!A.conflictsWith(B) || bothLocal(A, B) ||
          bothSerialised(L, A, R, B, Analysis))
        continue;
      // Two accesses to referents of one type are reported like a
      // conflict on a known target; one on unknown, or a referent against
      // another target, only if nothing more precise is found.
      bool SameReferent = A.On.isReferent() && A.On == B.On;
      if ((A.On.mayBeAnyObject() || B.On.mayBeAnyObject()) && !SameReferent) {
        if (!Unknown)
          Unknown = std::make_pair(A, B);
        continue;
      }
      return std::make_pair(A, B);
    }
  (void)Self;
  if (!ReportUnknown)
    return std::nullopt;
  return Unknown;
}

std::string resourceName(const Effect &A, const Effect &B) {
  const Target &Narrow = A.On.contains(B.On) ? B.On : A.On;
  if (Narrow.TargetKind == Target::Kind::Resource)
    return Narrow.annotationSpelling();
  return Narrow.str();
}

bool isParLike(const SpawnSite &Site) {
  return Site.Entry && Site.Entry->Kind == runtime::EntryKind::ParLike;
}

AST_MATCHER(CXXConstructExpr, constructsActor) {
  const runtime::EntryInfo *E = runtime::classify(&Node);
  return E && E->Kind == runtime::EntryKind::ActorConstruct;
}

/// The constructor of T that `kara::actor<T> a(args...)` runs: the actor's
/// constructor creates its core with `new core(args...)`, whose constructor
/// initialises the `T` member from them. Null when that is not what the
/// instantiation holds (an aggregate, a changed runtime).
const CXXConstructExpr *stateConstruction(const CXXConstructExpr *Actor) {
  auto FirstNew = [](const Stmt *S) -> const CXXNewExpr * {
    std::vector<const Stmt *> Work{S};
    while (!Work.empty()) {
      const Stmt *Cur = Work.back();
      Work.pop_back();
      if (!Cur)
        continue;
      if (const auto *N = dyn_cast<CXXNewExpr>(Cur))
        return N;
      for (const Stmt *C : Cur->children())
        Work.push_back(C);
    }
    return nullptr;
  };
  // The definitions (instantiated member templates).
  auto Definition = [](const CXXConstructorDecl *C) {
    const FunctionDecl *Def = nullptr;
    return C && C->hasBody(Def) ? dyn_cast<CXXConstructorDecl>(Def) : nullptr;
  };
  const CXXConstructorDecl *Ctor = Definition(Actor->getConstructor());
  if (!Ctor)
    return nullptr;
  for (const CXXCtorInitializer *Init : Ctor->inits()) {
    const CXXNewExpr *New = FirstNew(Init->getInit());
    const auto *Core = New && New->getInitializer()
                           ? dyn_cast<CXXConstructExpr>(
                                 New->getInitializer()->IgnoreImplicit())
                           : nullptr;
    const CXXConstructorDecl *CoreCtor =
        Core ? Definition(Core->getConstructor()) : nullptr;
    if (!CoreCtor)
      continue;
    for (const CXXCtorInitializer *CI : CoreCtor->inits())
      if (CI->isMemberInitializer())
        if (const auto *State =
                dyn_cast<CXXConstructExpr>(CI->getInit()->IgnoreImplicit()))
          return State;
  }
  return nullptr;
}

/// The caller's variable an argument bound to a parameter of type `PT`
/// hands over: `v` for a reference parameter, `&v` for a pointer one.
const VarDecl *handedOver(const Expr *Arg, QualType PT) {
  Arg = Arg->IgnoreParenImpCasts();
  if (PT->isPointerType())
    if (const auto *UO = dyn_cast<UnaryOperator>(Arg);
        UO && UO->getOpcode() == UO_AddrOf)
      Arg = UO->getSubExpr()->IgnoreParenImpCasts();
  const auto *DRE = dyn_cast<DeclRefExpr>(Arg);
  return DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
}

/// True if `RD` has a field that refers to storage it does not own: a
/// reference or a pointer to data.
bool mayKeepReference(const CXXRecordDecl *RD) {
  if (!RD || !RD->hasDefinition())
    return false;
  for (const FieldDecl *F : RD->getDefinition()->fields()) {
    QualType T = F->getType();
    if (T->isReferenceType() ||
        (T->isPointerType() && !T->getPointeeType()->isFunctionType()))
      return true;
  }
  return false;
}

} // namespace

ParConflictCheck::ParConflictCheck(StringRef Name,
                                   tidy::ClangTidyContext *Context)
    : KaraCheckBase(Name, Context),
      ReportUnknown(boolOption("ReportUnknownEffects", true)),
      MaxReports(Options.get("MaxReportsPerCall", 8U)) {}

void ParConflictCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  KaraCheckBase::storeOptions(Opts);
  Options.store(Opts, "ReportUnknownEffects", boolText(ReportUnknown));
  Options.store(Opts, "MaxReportsPerCall", MaxReports);
}

void ParConflictCheck::registerMatchers(MatchFinder *Finder) {
  std::vector<std::string> Names = runtime::matcherNames(runtime::OpensSite);
  std::vector<StringRef> Refs(Names.begin(), Names.end());
  Finder->addMatcher(callExpr(callee(functionDecl(hasAnyName(Refs))),
                              forCallable(functionDecl().bind("context")))
                         .bind("call"),
                     this);
  Finder->addMatcher(
      cxxConstructExpr(constructsActor(),
                       forCallable(functionDecl().bind("context")))
          .bind("actor"),
      this);
}

void ParConflictCheck::checkSharedWithActor(const CXXConstructExpr *CE,
                                            const FunctionDecl *Context,
                                            ASTContext &Ctx) {
  const CXXConstructExpr *State = stateConstruction(CE);
  const CXXConstructorDecl *StateCtor =
      State ? State->getConstructor() : nullptr;
  if (!StateCtor || !mayKeepReference(StateCtor->getParent()) ||
      !Context->hasBody())
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  for (unsigned I = 0; I < CE->getNumArgs() && I < StateCtor->getNumParams();
       ++I) {
    QualType PT = StateCtor->getParamDecl(I)->getType();
    if (!PT->isReferenceType() && !PT->isPointerType())
      continue;
    const VarDecl *V = handedOver(CE->getArg(I), PT);
    if (!V || runtime::isThreadSafeType(V->getType()) ||
        runtime::isRuntimeType(V->getType()))
      continue;
    // The caller's own use after the actor exists.
    const DeclRefExpr *Later = nullptr;
    for (const BoundNodes &N :
         match(findAll(declRefExpr(to(varDecl(equalsNode(V)))).bind("r")),
               *Context->getBody(), Ctx)) {
      const auto *R = N.getNodeAs<DeclRefExpr>("r");
      if (SM.isBeforeInTranslationUnit(CE->getEndLoc(), R->getLocation()) &&
          (!Later || SM.isBeforeInTranslationUnit(R->getLocation(),
                                                  Later->getLocation())))
        Later = R;
    }
    if (!Later)
      continue;
    diag(CE->getArg(I)->getBeginLoc(),
         "%0 is shared with the actor: it is passed by %select{reference|"
         "pointer}1 to the constructor of %2, which may keep it, and the "
         "caller uses it afterwards; the actor's messages would touch it "
         "while the caller does (a data race): pass a copy or a kara::unique "
         "and reach the data through messages")
        << V << PT->isPointerType() << StateCtor->getParent();
    diag(Later->getLocation(), "the caller uses %0 here", DiagnosticIDs::Note)
        << V;
  }
}

void ParConflictCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *CE = Result.Nodes.getNodeAs<CXXConstructExpr>("actor")) {
    const auto *Context = Result.Nodes.getNodeAs<FunctionDecl>("context");
    if (Context && !Context->isDependentContext() &&
        !runtime::isRuntimeCode(Context))
      checkSharedWithActor(CE, Context, *Result.Context);
    return;
  }
  const auto *Call = Result.Nodes.getNodeAs<CallExpr>("call");
  const auto *Context = Result.Nodes.getNodeAs<FunctionDecl>("context");
  if (!Call || !Context || Context->isDependentContext() ||
      Context->isInvalidDecl())
    return;
  // The runtime's own implementation is not user code.
  if (runtime::isRuntimeCode(Context))
    return;
  std::optional<SpawnSite> Site = spawnSiteFor(Call, Context, *Result.Context);
  if (!Site)
    return;
  EffectAnalysis &A = analysis(*Result.Context);
  std::vector<std::optional<FunctionSummary>> Summaries(Site->Sides.size());
  auto SummaryOf = [&](unsigned I) -> const FunctionSummary & {
    if (!Summaries[I])
      Summaries[I] = sideSummary(Site->Sides[I], A, Context);
    return *Summaries[I];
  };

  unsigned Reported = 0;
  for (auto [I, J] : Site->ConcurrentPairs) {
    const ConcurrentSide &L = Site->Sides[I], &R = Site->Sides[J];
    const FunctionSummary &LS = SummaryOf(I), &RS = SummaryOf(J);
    std::optional<std::pair<Effect, Effect>> C =
        pickConflict(LS, RS, I == J, ReportUnknown, A);
    if (!C)
      continue;
    if (Reported++ == MaxReports)
      break;
    const Effect &LE = C->first, &RE = C->second;
    SourceLocation Where = Call->getBeginLoc();
    if (L.SpawnCall)
      Where = L.SpawnCall->getBeginLoc();
    else if (R.SpawnCall)
      Where = R.SpawnCall->getBeginLoc();
    bool Unknown = LE.On.isUnknown() || RE.On.isUnknown();
    std::string Msg;
    if (I == J) {
      std::string Why = L.SideKind == ConcurrentSide::MapCallable
                            ? "it is called for many elements at once"
                            : "it is spawned in a loop";
      if (Unknown)
        Msg = Site->What + ": " + L.ShortName +
              " runs concurrently with itself (" + Why +
              ") and has unknown effects";
      else
        Msg = Site->What + ": " + L.ShortName +
              " runs concurrently with itself (" + Why + ") and conflicts on " +
              resourceName(LE, RE) + ": it " +
              (LE.isWrite() ? LE.str() : RE.str());
    } else if (isParLike(*Site)) {
      std::string Pair = Site->What + " branches " +
                         L.ShortName.substr(std::string("branch ").size()) +
                         " and " +
                         R.ShortName.substr(std::string("branch ").size());
      if (Unknown)
        Msg = Pair + " may conflict: " +
              (LE.On.isUnknown() ? L.ShortName : R.ShortName) +
              " has unknown effects";
      else
        Msg = Pair + " conflict on " + resourceName(LE, RE) + ": " +
              L.ShortName + " " + LE.str() + ", " + R.ShortName + " " +
              RE.str();
    } else {
      if (Unknown)
        Msg = Site->What + ": " + L.ShortName + " and " + R.ShortName +
              " may conflict: " +
              (LE.On.isUnknown() ? L.ShortName : R.ShortName) +
              " has unknown effects";
      else
        Msg = Site->What + ": " + L.ShortName + " and " + R.ShortName +
              " conflict on " + resourceName(LE, RE) + ": " + L.ShortName +
              " " + LE.str() + ", " + R.ShortName + " " + RE.str();
    }
    diag(Where, "%0") << Msg;
    auto Explain = [&](const ConcurrentSide &S, const FunctionSummary &Sum,
                       const Effect &E) {
      diag(S.Loc, "%0 %1", DiagnosticIDs::Note)
          << S.Description
          << (E.On.isUnknown() ? std::string("has unknown effects") : E.str());
      explainEffect(*this, A, Sum, E);
    };
    Explain(L, LS, LE);
    if (I != J || !(LE == RE))
      Explain(R, RS, RE);
  }
}

} // namespace kara
