//===- KaraSummarizeMain.cpp - kara-summarize: cross-TU effect summaries --===//
//
//   kara-summarize -p build -o kara-summaries.json [-j N] [--max-passes N]
//                  [--effects-db F]... [files...]
//
// Analyses every translation unit of the compilation database (or the files
// given) and writes the effect summary of every function defined there as
// an effects database (docs/effects.md), with "exact": true and "from": the
// file. kara-tidy reads it through the `kara.SummaryDatabase` option for
// calls to functions whose body is in another translation unit.
//
// A function in a.cpp that calls one in b.cpp only knows b's effects once
// b's summary exists, so the units are analysed in passes, each reading the
// previous pass's summaries, until nothing changes (or --max-passes).
//
//===----------------------------------------------------------------------===//

#include "DriverSupport.h"
#include "kara/Analysis/EffectAnalysis.h"
#include "kara/attributes/AttributeNames.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Serialization/PCHContainerOperations.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

using namespace clang;
using namespace kara;

static llvm::cl::OptionCategory Category("kara-summarize options");
static llvm::cl::opt<std::string>
    Output("o", llvm::cl::desc("Where to write the summaries (JSON)"),
           llvm::cl::value_desc("file"), llvm::cl::Required,
           llvm::cl::cat(Category));
static llvm::cl::opt<unsigned>
    Jobs("j", llvm::cl::desc("Translation units analysed in parallel"),
         llvm::cl::init(0), llvm::cl::cat(Category));
static llvm::cl::opt<unsigned>
    MaxPasses("max-passes",
              llvm::cl::desc("Passes over the project at most (default 4)"),
              llvm::cl::init(4), llvm::cl::cat(Category));
static llvm::cl::list<std::string>
    Databases("effects-db", llvm::cl::desc("An extra effects database (JSON)"),
              llvm::cl::cat(Category));

[[maybe_unused]] static int AttributesAnchor = KaraAttributesAnchorSource;

static llvm::cl::opt<bool> ClosedHierarchies(
    "closed-hierarchies",
    llvm::cl::desc("The class hierarchies are closed in each file: an "
                   "unannotated virtual call has the effects of the "
                   "overriders visible there (kara.ClosedHierarchies)"),
    llvm::cl::cat(Category));

namespace {

/// What one pass learns: database entries by qualified name.
struct Summaries {
  std::mutex Lock;
  std::map<std::string, nlohmann::json> Functions;

  /// Functions sharing a name (overloads, or one per unit) unite.
  void merge(const std::string &Name, const nlohmann::json &Entry) {
    std::lock_guard<std::mutex> Guard(Lock);
    auto [It, Inserted] = Functions.emplace(Name, Entry);
    if (Inserted)
      return;
    nlohmann::json &Old = It->second;
    if (Entry.value("unknown", false) || Old.value("unknown", false)) {
      Old = {{"unknown", true}, {"from", Old.value("from", "")}};
      return;
    }
    for (const char *Key : {"reads", "writes"}) {
      std::set<std::string> Union;
      for (const char *Side : {"old", "new"}) {
        const nlohmann::json &J = std::string(Side) == "old" ? Old : Entry;
        if (J.contains(Key))
          for (const auto &V : J.at(Key))
            Union.insert(V.get<std::string>());
      }
      if (!Union.empty())
        Old[Key] = std::vector<std::string>(Union.begin(), Union.end());
    }
    if (Old.contains("reads") || Old.contains("writes"))
      Old.erase("pure");
  }
};

/// The database spelling of an effect's target, or nothing if callers
/// cannot see it (locals).
std::optional<std::string> spelling(const Target &T) {
  switch (T.TargetKind) {
  case Target::Kind::Resource:
    return T.annotationSpelling();
  case Target::Kind::This:
    return std::string("this");
  case Target::Kind::Param:
    return "$" + std::to_string(T.ParamIndex);
  case Target::Kind::Local:
  case Target::Kind::Unknown:
    return std::nullopt;
  }
  return std::nullopt;
}

nlohmann::json entryFor(const FunctionSummary &S, const std::string &From) {
  nlohmann::json Entry;
  Entry["exact"] = true;
  Entry["from"] = From;
  if (S.Effects.hasUnknown()) {
    Entry["unknown"] = true;
    return Entry;
  }
  std::set<std::string> Reads, Writes;
  for (const Effect &E : S.Effects)
    if (std::optional<std::string> Name = spelling(E.On))
      (E.isWrite() ? Writes : Reads).insert(*Name);
  if (!Reads.empty())
    Entry["reads"] = std::vector<std::string>(Reads.begin(), Reads.end());
  if (!Writes.empty())
    Entry["writes"] = std::vector<std::string>(Writes.begin(), Writes.end());
  if (Reads.empty() && Writes.empty())
    Entry["pure"] = true;
  return Entry;
}

class Consumer : public ASTConsumer {
public:
  Consumer(const EffectsDatabase &DB, const EffectsDatabase *Previous,
           Summaries &Out)
      : DB(DB), Previous(Previous), Out(Out) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    const SourceManager &SM = Ctx.getSourceManager();
    EffectAnalysis Analysis(Ctx, DB);
    Analysis.setClosedHierarchies(ClosedHierarchies);
    Analysis.setSummaryDatabase(Previous);
    std::string From =
        llvm::sys::path::filename(
            SM.getFileEntryRefForID(SM.getMainFileID())->getName())
            .str();
    for (const FunctionDecl *FD : EffectAnalysis::definedFunctions(Ctx)) {
      // Header functions are analysed wherever they are included; callers
      // in other units can only name externally visible, non-template ones.
      if (!SM.isInMainFile(SM.getFileLoc(FD->getLocation())) ||
          !FD->isExternallyVisible() || FD->isTemplateInstantiation())
        continue;
      Out.merge(EffectAnalysis::databaseName(FD),
                entryFor(Analysis.summaryOf(FD), From));
    }
  }

private:
  const EffectsDatabase &DB;
  const EffectsDatabase *Previous;
  Summaries &Out;
};

/// What tooling::newFrontendActionFactory asks for, once per file.
struct ConsumerFactory {
  const EffectsDatabase &DB;
  const EffectsDatabase *Previous;
  Summaries &Out;
  std::unique_ptr<ASTConsumer> newASTConsumer() {
    return std::make_unique<Consumer>(DB, Previous, Out);
  }
};

nlohmann::json
document(const std::map<std::string, nlohmann::json> &Functions) {
  nlohmann::json Doc;
  Doc["kara-effects"] = 1;
  Doc["comment"] = "Effect summaries written by kara-summarize; read by "
                   "kara-tidy through the kara.SummaryDatabase option.";
  Doc["functions"] = nlohmann::json::object();
  for (const auto &[Name, Entry] : Functions)
    Doc["functions"][Name] = Entry;
  return Doc;
}

} // namespace

/// The directory `Output` goes to exists and is writable: checked before
/// the analysis, which may take minutes.
static bool outputDirectoryUsable(const std::string &Output) {
  llvm::SmallString<256> Dir(Output);
  llvm::sys::fs::make_absolute(Dir);
  llvm::sys::path::remove_filename(Dir);
  if (!llvm::sys::fs::is_directory(Dir)) {
    llvm::errs() << "kara-summarize: error: cannot write '" << Output
                 << "': the directory '" << Dir << "' does not exist\n";
    return false;
  }
  if (llvm::sys::fs::access(Dir, llvm::sys::fs::AccessMode::Write)) {
    llvm::errs() << "kara-summarize: error: cannot write '" << Output
                 << "': the directory '" << Dir << "' is not writable\n";
    return false;
  }
  return true;
}

int main(int Argc, const char **Argv) {
  addKaraVersionPrinter("kara-summarize");
  const bool HasFlags = hasFlagsAfterDoubleDash(Argc, Argv);
  if (buildPathArgument(Argc, Argv) &&
      !requireCompilationDatabase("kara-summarize", Argc, Argv, {}, HasFlags))
    return 2;
  auto Parser = tooling::CommonOptionsParser::create(
      Argc, Argv, Category, llvm::cl::ZeroOrMore,
      "Writes the effect summaries of a project for kara-tidy's cross-TU "
      "checks.\n");
  if (!Parser) {
    llvm::errs() << "kara-summarize: error: "
                 << llvm::toString(Parser.takeError()) << "\n";
    return 2;
  }
  // With no files on the command line, CommonOptionsParser loads no
  // database: load the one -p names (or the one above the working directory).
  std::unique_ptr<tooling::CompilationDatabase> Loaded;
  std::vector<std::string> Files = Parser->getSourcePathList();
  if (Files.empty()) {
    std::string BuildPath = ".";
    auto &Registered = llvm::cl::getRegisteredOptions();
    auto It = Registered.find("p");
    if (It != Registered.end())
      if (auto *P = static_cast<llvm::cl::opt<std::string> *>(It->second);
          P && !P->getValue().empty())
        BuildPath = P->getValue();
    std::string Error;
    Loaded =
        tooling::CompilationDatabase::autoDetectFromDirectory(BuildPath, Error);
    if (!Loaded) {
      llvm::errs() << "kara-summarize: error: cannot load a compilation "
                      "database from '"
                   << BuildPath << "': " << Error << "\n";
      return 2;
    }
    Files = Loaded->getAllFiles();
  } else if (!requireInputs("kara-summarize", Files) ||
             !requireCompilationDatabase("kara-summarize", Argc, Argv, Files,
                                         HasFlags)) {
    return 2;
  }
  if (!outputDirectoryUsable(Output))
    return 2;
  tooling::CompilationDatabase &Compilations =
      Loaded ? *Loaded : Parser->getCompilations();
  if (Files.empty()) {
    llvm::errs() << "kara-summarize: error: no translation units: the "
                    "compilation database lists no files\n";
    return 2;
  }
  EffectsDatabase DB = EffectsDatabase::builtin();
  for (const std::string &File : Databases) {
    std::string Error;
    if (!DB.addFile(File, Error)) {
      llvm::errs() << "kara-summarize: error: " << Error << "\n";
      return 2;
    }
  }
  unsigned Threads =
      Jobs ? Jobs : std::max(1u, std::thread::hardware_concurrency());
  Threads = std::min<unsigned>(Threads, Files.size());

  std::map<std::string, nlohmann::json> Previous;
  std::unique_ptr<EffectsDatabase> PreviousDB;
  bool Failed = false;
  std::atomic<std::size_t> FailedUnits{0};
  unsigned Pass = 0;
  for (; Pass < std::max(1u, unsigned(MaxPasses)); ++Pass) {
    Summaries Current;
    std::atomic<std::size_t> Next{0}, Done{0};
    std::atomic<bool> PassFailed{false};
    std::mutex Print;
    auto Work = [&] {
      for (std::size_t I = Next++; I < Files.size(); I = Next++) {
        // A physical file system of its own per tool: the default one
        // changes the process's working directory, which threads share.
        tooling::ClangTool Tool(Compilations, {Files[I]},
                                std::make_shared<PCHContainerOperations>(),
                                llvm::vfs::createPhysicalFileSystem());
        Tool.setPrintErrorMessage(false);
        Tool.appendArgumentsAdjuster(gccFlagsAdjuster());
        ConsumerFactory Consumers{DB, PreviousDB.get(), Current};
        int Status =
            Tool.run(tooling::newFrontendActionFactory(&Consumers).get());
        std::lock_guard<std::mutex> Guard(Print);
        llvm::errs() << "[pass " << Pass + 1 << ", " << ++Done << "/"
                     << Files.size() << "] " << Files[I]
                     << (Status ? " (errors: summary may be incomplete)" : "")
                     << "\n";
        if (Status) {
          PassFailed = true;
          if (Pass == 0)
            ++FailedUnits;
        }
      }
    };
    std::vector<std::thread> Pool;
    for (unsigned T = 1; T < Threads; ++T)
      Pool.emplace_back(Work);
    Work();
    for (std::thread &T : Pool)
      T.join();
    Failed = PassFailed;
    bool Stable = Current.Functions == Previous;
    Previous = std::move(Current.Functions);
    if (Stable)
      break;
    PreviousDB = std::make_unique<EffectsDatabase>();
    std::string Error;
    if (!PreviousDB->addJson(document(Previous).dump(), Output, Error)) {
      llvm::errs() << "kara-summarize: internal error: " << Error << "\n";
      return 2;
    }
  }

  // No unit compiled: an empty database must not replace a good one.
  if (FailedUnits == Files.size()) {
    llvm::errs() << "kara-summarize: error: no translation unit could be "
                    "analysed; '"
                 << Output << "' is left unchanged\n";
    return 1;
  }
  // Written next to the target and renamed: an interrupted run leaves the
  // previous database intact.
  std::string Temporary = Output + ".tmp";
  {
    std::ofstream Out(Temporary);
    Out << document(Previous).dump(1) << "\n";
    if (!Out.flush()) {
      llvm::errs() << "kara-summarize: error: cannot write '" << Temporary
                   << "'\n";
      llvm::sys::fs::remove(Temporary);
      return 2;
    }
  }
  if (std::error_code EC = llvm::sys::fs::rename(Temporary, Output)) {
    llvm::errs() << "kara-summarize: error: cannot write '" << Output
                 << "': " << EC.message() << "\n";
    llvm::sys::fs::remove(Temporary);
    return 2;
  }
  llvm::errs() << "kara-summarize: " << Previous.size() << " functions from "
               << Files.size() << " translation units in "
               << std::min(Pass + 1, unsigned(MaxPasses)) << " passes -> "
               << Output << "\n";
  return Failed ? 1 : 0;
}
