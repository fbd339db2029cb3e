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

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

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
  return (IsLocal(L) && IsLocal(R)) || (IsLocal(L) && UnknownRead(R)) ||
         (UnknownRead(L) && IsLocal(R));
}

/// The conflicting pair to report between two summaries: a conflict on a
/// known target first, then one involving `unknown`.
std::optional<std::pair<Effect, Effect>> pickConflict(const FunctionSummary &L,
                                                      const FunctionSummary &R,
                                                      bool Self,
                                                      bool ReportUnknown) {
  std::optional<std::pair<Effect, Effect>> Unknown;
  for (const Effect &A : L.Effects)
    for (const Effect &B : R.Effects) {
      if (!A.conflictsWith(B) || bothLocal(A, B))
        continue;
      if (A.On.isUnknown() || B.On.isUnknown()) {
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
  return Site.What == "kara::par" || Site.What == "kara::race";
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
  Finder->addMatcher(
      callExpr(
          callee(functionDecl(hasAnyName(
              "::kara::par", "::kara::race", "::kara::scope", "::kara::spawn",
              "::kara::spawn_blocking", "::kara::map", "::kara::map_limited"))),
          forCallable(functionDecl().bind("context")))
          .bind("call"),
      this);
}

void ParConflictCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Call = Result.Nodes.getNodeAs<CallExpr>("call");
  const auto *Context = Result.Nodes.getNodeAs<FunctionDecl>("context");
  if (!Call || !Context || Context->isDependentContext() ||
      Context->isInvalidDecl())
    return;
  // The runtime's own implementation is not user code.
  if (EffectAnalysis::databaseName(Context).rfind("kara::", 0) == 0)
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
        pickConflict(LS, RS, I == J, ReportUnknown);
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
