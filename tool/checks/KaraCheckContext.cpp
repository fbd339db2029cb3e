//===- KaraCheckContext.cpp - What the kara checks share ------------------===//

#include "KaraCheckContext.h"

#include "kara/Analysis/Annotations.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>

using namespace clang;

namespace kara {

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

namespace {
/// The directory the program started in, before LibTooling moves into each
/// compilation directory: where a --config given on its command line was
/// written. Captured when the checks are loaded (at start-up, or when
/// clang-tidy loads the plugin while parsing its command line).
const std::string &startDirectory() {
  static const std::string Dir = [] {
    llvm::SmallString<256> D;
    llvm::sys::fs::current_path(D);
    return std::string(D);
  }();
  return Dir;
}
[[maybe_unused]] const std::string &StartDirectoryAtLoad = startDirectory();

/// The value `Key` has in the CheckOptions of the configuration file
/// `File`, if it sets it.
std::optional<std::string> valueInConfigFile(llvm::StringRef File,
                                             llvm::StringRef Key,
                                             bool *Inherits = nullptr) {
  auto Buffer = llvm::MemoryBuffer::getFile(File);
  if (!Buffer)
    return std::nullopt;
  llvm::ErrorOr<tidy::ClangTidyOptions> Options =
      tidy::parseConfiguration((*Buffer)->getMemBufferRef());
  if (!Options)
    return std::nullopt;
  if (Inherits)
    *Inherits = Options->InheritParentConfig.value_or(false);
  auto It = Options->CheckOptions.find(Key);
  if (It == Options->CheckOptions.end())
    return std::nullopt;
  return It->second.Value;
}

/// The directory relative paths in the option `Key` (value `Value`) are
/// relative to, as for files named in configuration: the directory of the
/// .clang-tidy that sets it (the ones clang-tidy reads for `MainFile`), of
/// the --config-file that sets it, or else the directory the program was
/// started in (a --config on the command line).
std::string optionBaseDirectory(llvm::StringRef MainFile, llvm::StringRef Key,
                                llvm::StringRef Value) {
  if (Value.empty())
    return startDirectory();
  llvm::SmallString<256> Dir(MainFile);
  llvm::sys::fs::make_absolute(startDirectory(), Dir);
  llvm::sys::path::remove_filename(Dir);
  while (!MainFile.empty() && !Dir.empty()) {
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, ".clang-tidy");
    if (llvm::sys::fs::exists(Candidate)) {
      bool Inherits = false;
      if (std::optional<std::string> V =
              valueInConfigFile(Candidate, Key, &Inherits);
          V && *V == Value)
        return std::string(Dir);
      if (!Inherits)
        break;
    }
    llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
    if (Parent == Dir)
      break;
    Dir = Parent;
  }
  // clang-tidy's --config-file (absent in clangd).
  auto &Registered = llvm::cl::getRegisteredOptions();
  auto It = Registered.find("config-file");
  if (It != Registered.end())
    if (auto *Opt = static_cast<llvm::cl::opt<std::string> *>(It->second);
        Opt && !Opt->getValue().empty()) {
      llvm::SmallString<256> File(Opt->getValue());
      llvm::sys::fs::make_absolute(startDirectory(), File);
      if (std::optional<std::string> V = valueInConfigFile(File, Key);
          V && *V == Value)
        return std::string(llvm::sys::path::parent_path(File));
    }
  return startDirectory();
}

/// `Files` (separated by `;` or `,`) with relative paths made absolute
/// against `Base`.
std::string resolvePaths(llvm::StringRef Files, llvm::StringRef Base) {
  std::string Normalised = Files.str();
  std::replace(Normalised.begin(), Normalised.end(), ',', ';');
  llvm::SmallVector<llvm::StringRef, 4> Paths;
  llvm::StringRef(Normalised).split(Paths, ';', -1, false);
  std::string Out;
  for (llvm::StringRef Path : Paths) {
    Path = Path.trim();
    if (Path.empty())
      continue;
    llvm::SmallString<256> Absolute(Path);
    llvm::sys::fs::make_absolute(Base, Absolute);
    llvm::sys::path::remove_dots(Absolute, /*remove_dot_dot=*/true);
    if (!Out.empty())
      Out += ';';
    Out += Absolute.str();
  }
  return Out;
}

/// The checks that can report a database error, in order of preference:
/// the first enabled one reports it, once per translation unit, so that a
/// CI recipe promoting the contract checks promotes it too.
constexpr llvm::StringLiteral DatabaseReporters[] = {
    "kara-effect-contract", "kara-par-conflict", "kara-sendable",
    "kara-annotation", "kara-parallelize"};
} // namespace

KaraCheckBase::KaraCheckBase(llvm::StringRef Name,
                             tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), TidyContext(Context), CheckName(Name) {
  const tidy::ClangTidyOptions::OptionMap &All =
      Context->getOptions().CheckOptions;
  auto Global = [&](llvm::StringRef Key) -> std::string {
    // A per-check spelling (kara-foo.kara.EffectsDatabases, what older
    // --dump-config wrote) would silently win for one check only.
    std::string Local = (Name + "." + Key).str();
    if (All.count(Local))
      configurationDiag("option '%0' is ignored: the effects databases are "
                        "shared by every kara check; set '%1' instead")
          << Local << Key;
    auto It = All.find(Key);
    return It == All.end() ? std::string() : It->second.Value;
  };
  DatabaseFiles = Global("kara.EffectsDatabases");
  SummaryFiles = Global("kara.SummaryDatabase");
  std::string ClosedText = Global("kara.ClosedHierarchies");
  ClosedHierarchies = llvm::StringRef(ClosedText).equals_insensitive("true") ||
                      ClosedText == "1";
  if (!ClosedText.empty() && !ClosedHierarchies &&
      !llvm::StringRef(ClosedText).equals_insensitive("false") &&
      ClosedText != "0")
    configurationDiag("invalid configuration value '%0' for option "
                      "'kara.ClosedHierarchies'; expected a bool")
        << ClosedText;
  llvm::StringRef MainFile = Context->getCurrentFile();
  std::string DatabasePaths = resolvePaths(
      DatabaseFiles,
      optionBaseDirectory(MainFile, "kara.EffectsDatabases", DatabaseFiles));
  std::string LoadError;
  Database = loadDatabases(DatabasePaths, LoadError, /*WithBuiltin=*/true);
  if (!LoadError.empty())
    DatabaseError = "cannot load the kara effects database "
                    "(kara.EffectsDatabases): " +
                    LoadError +
                    "; effects are taken from the built-in database only";
  if (!SummaryFiles.empty()) {
    std::string SummaryPaths = resolvePaths(
        SummaryFiles,
        optionBaseDirectory(MainFile, "kara.SummaryDatabase", SummaryFiles));
    std::string SummaryError;
    Summaries =
        loadDatabases(SummaryPaths, SummaryError, /*WithBuiltin=*/false);
    if (!SummaryError.empty() && DatabaseError.empty())
      DatabaseError =
          "cannot load the kara summary database (kara.SummaryDatabase): " +
          SummaryError +
          "; calls into other translation units have unknown effects (run "
          "kara-summarize first)";
  }
}

void KaraCheckBase::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  // Global keys, written once however many kara checks are enabled.
  Opts["kara.EffectsDatabases"] =
      tidy::ClangTidyOptions::ClangTidyValue(DatabaseFiles);
  Opts["kara.SummaryDatabase"] =
      tidy::ClangTidyOptions::ClangTidyValue(SummaryFiles);
  Opts["kara.ClosedHierarchies"] =
      tidy::ClangTidyOptions::ClangTidyValue(boolText(ClosedHierarchies));
}

void KaraCheckBase::onStartOfTranslationUnit() {
  if (DatabaseError.empty())
    return;
  for (llvm::StringRef Reporter : DatabaseReporters) {
    if (!TidyContext->isCheckEnabled(Reporter))
      continue;
    if (Reporter != CheckName)
      return;
    break;
  }
  // A diagnostic of the check, not a [clang-tidy-config] warning, so that
  // --warnings-as-errors='kara-*' fails the run.
  diag("%0") << DatabaseError;
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
  // clang-tidy's own wording for get<bool>.
  configurationDiag("invalid configuration value '%0' for option '%1%2'; "
                    "expected a bool")
      << V << CheckName << ("." + Name).str();
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
    Existing->setClosedHierarchies(ClosedHierarchies);
    S.ByUnit[Key] = Existing;
  }
  Analysis = std::move(Existing);
  return *Analysis;
}

static std::string describeCallee(const FunctionDecl *FD) {
  return "'" + EffectAnalysis::displayName(FD) + "'";
}

/// The calls in other units that give a summary-database entry its effect
/// (kara-summarize's "trace"): one note per hop, with its file and line in
/// the text (those files need not be part of this unit).
static void explainTrace(tidy::ClangTidyCheck &Check,
                         const DatabaseEntry *Entry, const Effect &E) {
  if (!Entry)
    return;
  std::optional<std::string> Spelling = EffectAnalysis::databaseSpelling(E.On);
  std::string Key = E.On.isUnknown()
                        ? std::string(DatabaseEntry::UnknownTraceKey)
                    : Spelling ? DatabaseEntry::traceKey(E.isWrite(), *Spelling)
                               : std::string();
  auto It = Entry->Traces.find(Key);
  if (It == Entry->Traces.end())
    return;
  for (const TraceHop &Hop : It->second)
    Check.diag(SourceLocation(), "'%0' %1 at %2:%3", DiagnosticIDs::Note)
        << Hop.In << Hop.What << Hop.File << Hop.Line;
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
      explainTrace(Check, Why->Entry, Looking);
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
