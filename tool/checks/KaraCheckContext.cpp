//===- KaraCheckContext.cpp - What the kara checks share ------------------===//

#include "KaraCheckContext.h"

#include "kara/Analysis/Annotations.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Regex.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>

using namespace clang;

namespace kara {

std::shared_ptr<const EffectsDatabase>
loadDatabases(const std::string &Files, std::string &Error, bool WithBuiltin) {
  static std::mutex Lock;
  static std::map<std::string, std::pair<std::shared_ptr<const EffectsDatabase>,
                                         std::string>>
      Cache;
  std::lock_guard<std::mutex> Guard(Lock);
  std::string Key = (WithBuiltin ? "builtin;" : "summaries;") + Files;
  auto It = Cache.find(Key);
  if (It == Cache.end()) {
    auto Empty = [&] {
      return WithBuiltin
                 ? std::make_shared<EffectsDatabase>(EffectsDatabase::builtin())
                 : std::make_shared<EffectsDatabase>();
    };
    auto DB = Empty();
    std::string LoadError;
    std::string Normalised = Files;
    std::replace(Normalised.begin(), Normalised.end(), ',', ';');
    llvm::SmallVector<llvm::StringRef, 4> Paths;
    llvm::StringRef(Normalised).split(Paths, ';', -1, false);
    for (llvm::StringRef Path : Paths) {
      Path = Path.trim();
      if (Path.empty())
        continue;
      if (!DB->addFile(Path.str(), LoadError))
        break;
    }
    std::shared_ptr<const EffectsDatabase> Result = DB;
    if (!LoadError.empty())
      Result = Empty();
    It = Cache.emplace(Key, std::make_pair(Result, LoadError)).first;
  }
  Error = It->second.second;
  return It->second.first;
}

namespace {
/// The analyses alive now, one per translation unit. clang-tidy and clangd
/// create checks per unit; the checks own the analysis, this map only lets
/// the checks of one unit find each other's. Units may run in parallel
/// (clangd), hence the lock.
struct SharedAnalyses {
  std::mutex Lock;
  std::map<std::tuple<const ASTContext *, const EffectsDatabase *,
                      const EffectsDatabase *>,
           std::weak_ptr<EffectAnalysis>>
      ByUnit;
};
SharedAnalyses &shared() {
  static SharedAnalyses S;
  return S;
}
} // namespace

KaraCheckBase::KaraCheckBase(llvm::StringRef Name,
                             tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), TidyContext(Context),
      DatabaseFiles(Options.getLocalOrGlobal("kara.EffectsDatabases", "")),
      SummaryFiles(Options.getLocalOrGlobal("kara.SummaryDatabase", "")) {
  Database = loadDatabases(DatabaseFiles, DatabaseError, /*WithBuiltin=*/true);
  if (!SummaryFiles.empty()) {
    std::string SummaryError;
    Summaries =
        loadDatabases(SummaryFiles, SummaryError, /*WithBuiltin=*/false);
    if (!SummaryError.empty() && DatabaseError.empty())
      DatabaseError = SummaryError;
  }
}

void KaraCheckBase::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "kara.EffectsDatabases", DatabaseFiles);
  Options.store(Opts, "kara.SummaryDatabase", SummaryFiles);
}

void KaraCheckBase::onStartOfTranslationUnit() {
  if (!DatabaseError.empty() && !ReportedDatabaseError) {
    configurationDiag("cannot load the kara effects database: %0; using the "
                      "built-in database only")
        << DatabaseError;
    ReportedDatabaseError = true;
  }
}

bool KaraCheckBase::isReportedLocation(SourceLocation Loc,
                                       const SourceManager &SM) const {
  Loc = SM.getFileLoc(Loc);
  if (Loc.isInvalid())
    return false;
  if (SM.isInMainFile(Loc))
    return true;
  const tidy::ClangTidyOptions &Opts = TidyContext->getOptions();
  if (SM.isInSystemHeader(Loc) && !Opts.SystemHeaders.value_or(false))
    return false;
  // The options do not change during a check's life: compile them once.
  if (!HeaderFilters) {
    HeaderFilters.emplace();
    std::string Filter = Opts.HeaderFilterRegex.value_or("");
    std::string Exclude = Opts.ExcludeHeaderFilterRegex.value_or("");
    if (!Filter.empty())
      HeaderFilters->Include.emplace(Filter);
    if (!Exclude.empty())
      HeaderFilters->Exclude.emplace(Exclude);
  }
  if (!HeaderFilters->Include)
    return false;
  StringRef File = SM.getFilename(Loc);
  return HeaderFilters->Include->match(File) &&
         !(HeaderFilters->Exclude && HeaderFilters->Exclude->match(File));
}

bool KaraCheckBase::boolOption(llvm::StringRef Name, bool Default) const {
  llvm::StringRef V = Options.get(Name, boolText(Default));
  if (V.equals_insensitive("true") || V == "1")
    return true;
  if (V.equals_insensitive("false") || V == "0")
    return false;
  return Default;
}

EffectAnalysis &KaraCheckBase::analysis(ASTContext &Ctx) {
  if (Analysis && &Analysis->context() == &Ctx)
    return *Analysis;
  SharedAnalyses &S = shared();
  std::lock_guard<std::mutex> Guard(S.Lock);
  // Drop entries of finished units so a reused address starts afresh.
  for (auto It = S.ByUnit.begin(); It != S.ByUnit.end();)
    It = It->second.expired() ? S.ByUnit.erase(It) : std::next(It);
  auto Key = std::make_tuple(&Ctx, Database.get(), Summaries.get());
  std::shared_ptr<EffectAnalysis> Existing = S.ByUnit[Key].lock();
  if (!Existing || &Existing->context() != &Ctx) {
    Existing = std::make_shared<EffectAnalysis>(Ctx, *Database);
    Existing->setSummaryDatabase(Summaries.get());
    S.ByUnit[Key] = Existing;
  }
  Analysis = std::move(Existing);
  return *Analysis;
}

static std::string describeCallee(const FunctionDecl *FD) {
  return "'" + EffectAnalysis::displayName(FD) + "'";
}

void explainEffect(tidy::ClangTidyCheck &Check, EffectAnalysis &A,
                   const FunctionSummary &Summary, const Effect &E,
                   unsigned MaxDepth) {
  const FunctionSummary *Current = &Summary;
  Effect Looking = E;
  for (unsigned Depth = 0; Depth < MaxDepth && Current; ++Depth) {
    const Reason *Why = Current->reasonFor(Looking);
    if (!Why)
      return;
    switch (Why->ReasonKind) {
    case Reason::Kind::Access:
      Check.diag(Why->Loc, "%0 here", DiagnosticIDs::Note) << Why->Detail;
      return;
    case Reason::Kind::InlineAsm:
      Check.diag(Why->Loc, "inline assembly has unknown effects",
                 DiagnosticIDs::Note);
      return;
    case Reason::Kind::Indirect:
      Check.diag(Why->Loc, "%0 has unknown effects", DiagnosticIDs::Note)
          << Why->Detail;
      return;
    case Reason::Kind::Declared:
      Check.diag(Why->Loc, "%0 is declared %1 here", DiagnosticIDs::Note)
          << describeCallee(Why->Callee) << Looking.str();
      return;
    case Reason::Kind::Database:
      Check.diag(Why->Loc, "%0 %1 according to %2", DiagnosticIDs::Note)
          << describeCallee(Why->Callee)
          << (Looking.On.isUnknown() ? std::string("has unknown effects")
                                     : Looking.str())
          << Why->Detail;
      return;
    case Reason::Kind::ParameterType:
      if (Looking.On.TargetKind == Target::Kind::This) {
        Check.diag(Why->Loc,
                   "%0 %1 because it is a %select{non-const|const}2 member "
                   "function",
                   DiagnosticIDs::Note)
            << describeCallee(Why->Callee) << Looking.str()
            << !Looking.isWrite();
        return;
      }
      Check.diag(Why->Loc,
                 "%0 %1 because of the parameter's type (a reference or "
                 "pointer to non-const data is written)",
                 DiagnosticIDs::Note)
          << describeCallee(Why->Callee) << Looking.str();
      return;
    case Reason::Kind::NoDefinition:
      Check.diag(Why->Loc,
                 "%0 has no definition, no kara annotation and no "
                 "effects-database entry, so its effects are unknown",
                 DiagnosticIDs::Note)
          << describeCallee(Why->Callee);
      return;
    case Reason::Kind::Call: {
      if (!Why->Callee || !Why->CalleeEffect)
        return;
      const FunctionSummary &Callee = A.summaryOf(Why->Callee);
      Check.diag(Why->Loc, "calls %0, which %1", DiagnosticIDs::Note)
          << describeCallee(Why->Callee)
          << (Why->CalleeEffect->On.isUnknown()
                  ? std::string("has unknown effects")
                  : Why->CalleeEffect->str());
      Looking = *Why->CalleeEffect;
      Current = &Callee;
      break;
    }
    }
  }
}

} // namespace kara
