//===- KaraEffectsMain.cpp - kara-effects: show effect summaries ----------===//
//
//   kara-effects [-p build] [--all] [--format=text|json] [--effects-db=F]
//                [--summary-db=F] file.cpp... [-- compiler flags]
//
// Prints, for every function defined in the given files, its effects, where
// they come from (declared, database, inferred, unknown) and, per effect, the
// first reason: the access or call that causes it. In JSON, a summary with
// an unknown effect also says what the first call chain to it ends in
// (`unknown_cause`), which is what test/realcode/measure.py counts.
//
//===----------------------------------------------------------------------===//

#include "DriverSupport.h"
#include "kara/Analysis/EffectAnalysis.h"
#include "kara/attributes/AttributeNames.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

using namespace clang;
using namespace kara;

static llvm::cl::OptionCategory Category("kara-effects options");
static llvm::cl::opt<bool>
    ShowAll("all", llvm::cl::desc("Also print functions defined in headers"),
            llvm::cl::cat(Category));
static llvm::cl::opt<std::string>
    Format("format", llvm::cl::desc("Output format: text (default) or json"),
           llvm::cl::init("text"), llvm::cl::cat(Category));
static llvm::cl::list<std::string>
    Databases("effects-db", llvm::cl::desc("An extra effects database (JSON)"),
              llvm::cl::cat(Category));

static llvm::cl::opt<std::string> SummaryDb(
    "summary-db",
    llvm::cl::desc("Summaries written by kara-summarize, for functions whose "
                   "body is in another translation unit"),
    llvm::cl::cat(Category));

[[maybe_unused]] static int AttributesAnchor = KaraAttributesAnchorSource;

static llvm::cl::opt<bool> &ClosedHierarchies =
    closedHierarchiesOption(Category);

namespace {

const char *sourceName(SummarySource S) {
  switch (S) {
  case SummarySource::Declared:
    return "declared";
  case SummarySource::Database:
    return "database";
  case SummarySource::Inferred:
    return "inferred";
  case SummarySource::Builtin:
    return "parameters only";
  case SummarySource::Unknown:
    return "unknown";
  }
  return "unknown";
}

std::string where(const SourceManager &SM, SourceLocation Loc) {
  if (Loc.isInvalid())
    return "<unknown location>";
  PresumedLoc P = SM.getPresumedLoc(SM.getFileLoc(Loc));
  if (P.isInvalid())
    return "<unknown location>";
  return std::string(llvm::sys::path::filename(P.getFilename())) + ":" +
         std::to_string(P.getLine()) + ":" + std::to_string(P.getColumn());
}

std::string explain(const SourceManager &SM, const Reason &R) {
  std::string Callee =
      R.Callee ? "'" + EffectAnalysis::displayName(R.Callee) + "'" : "";
  switch (R.ReasonKind) {
  case Reason::Kind::Access:
    return R.Detail + " at " + where(SM, R.Loc);
  case Reason::Kind::Call:
    return "calls " + Callee + " at " + where(SM, R.Loc) +
           (R.CalleeEffect
                ? ", which " + (R.CalleeEffect->On.isUnknown()
                                    ? std::string("has unknown effects")
                                    : R.CalleeEffect->str())
                : "");
  case Reason::Kind::Declared:
    return "declared by the kara annotations of " + Callee;
  case Reason::Kind::Database:
    return R.Detail;
  case Reason::Kind::ParameterType:
    return "implied by the parameter types of " + Callee;
  case Reason::Kind::NoDefinition:
    return Callee + " has no definition, annotation or database entry";
  case Reason::Kind::Indirect:
    return R.Detail + " at " + where(SM, R.Loc);
  case Reason::Kind::InlineAsm:
    return "inline assembly at " + where(SM, R.Loc);
  }
  return "";
}

const Reason *unknownReason(const FunctionSummary &S) {
  for (const EffectEntry &E : S.Entries)
    if (E.E.On.isUnknown())
      return &E.Why;
  return nullptr;
}

/// Where the first call chain to FD's unknown effect ends: `kind` is one of
/// virtual-call, function-pointer, pointer (an access or a call argument the
/// analysis cannot designate), inline-asm, database (an entry that says
/// unknown), summary (a kara-summarize summary that is unknown), no-body (a
/// function without body, annotation or entry; with
/// `system`: declared in a system header), recursion; `function` is the
/// function where the chain ends and `chain` the calls leading there.
nlohmann::json unknownCause(EffectAnalysis &Analysis, const SourceManager &SM,
                            const FunctionDecl *FD) {
  nlohmann::json Cause;
  Cause["chain"] = nlohmann::json::array();
  llvm::SmallPtrSet<const FunctionDecl *, 8> Seen;
  Seen.insert(FD->getCanonicalDecl());
  for (const FunctionDecl *F = FD;;) {
    const Reason *R = unknownReason(Analysis.summaryOf(F));
    Cause["function"] = EffectAnalysis::displayName(F);
    if (!R) {
      Cause["kind"] = "other";
      return Cause;
    }
    switch (R->ReasonKind) {
    case Reason::Kind::Call:
      if (R->Callee && R->CalleeEffect && R->CalleeEffect->On.isUnknown()) {
        if (!Seen.insert(R->Callee->getCanonicalDecl()).second) {
          Cause["kind"] = "recursion";
          return Cause;
        }
        Cause["chain"].push_back(EffectAnalysis::displayName(R->Callee) +
                                 " at " + where(SM, R->Loc));
        F = R->Callee;
        continue;
      }
      // A known effect of the callee on an argument or on its object, which
      // the analysis cannot designate in the caller.
      Cause["kind"] = "pointer";
      Cause["detail"] = explain(SM, *R);
      return Cause;
    case Reason::Kind::Access:
      Cause["kind"] = "pointer";
      Cause["detail"] = explain(SM, *R);
      return Cause;
    case Reason::Kind::Indirect:
      Cause["kind"] = llvm::StringRef(R->Detail).starts_with("a virtual call")
                          ? "virtual-call"
                          : "function-pointer";
      Cause["detail"] = R->Detail;
      return Cause;
    case Reason::Kind::InlineAsm:
      Cause["kind"] = "inline-asm";
      return Cause;
    case Reason::Kind::Database:
      // A kara-summarize summary that is unknown: the cause is in the unit
      // that defines the function.
      Cause["kind"] =
          llvm::StringRef(R->Detail).starts_with("the summary database")
              ? "summary"
              : "database";
      return Cause;
    case Reason::Kind::NoDefinition:
      Cause["kind"] = "no-body";
      Cause["system"] = SM.isInSystemHeader(SM.getFileLoc(F->getLocation()));
      Cause["detail"] = where(SM, F->getLocation());
      return Cause;
    default:
      Cause["kind"] = "other";
      Cause["detail"] = explain(SM, *R);
      return Cause;
    }
  }
}

class Consumer : public ASTConsumer {
public:
  Consumer(const EffectsDatabase &DB, const EffectsDatabase *Summaries,
           nlohmann::json &Json)
      : DB(DB), Summaries(Summaries), Json(Json) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    const SourceManager &SM = Ctx.getSourceManager();
    EffectAnalysis Analysis(Ctx, DB);
    Analysis.setClosedHierarchies(ClosedHierarchies);
    Analysis.setSummaryDatabase(Summaries);
    for (const FunctionDecl *FD : EffectAnalysis::definedFunctions(Ctx)) {
      SourceLocation Loc = SM.getFileLoc(FD->getLocation());
      if (!ShowAll && !SM.isInMainFile(Loc))
        continue;
      const FunctionSummary &S = Analysis.summaryOf(FD);
      if (Format == "json") {
        nlohmann::json Entry;
        Entry["function"] = EffectAnalysis::displayName(FD);
        Entry["location"] = where(SM, Loc);
        // The full path, to tell headers of the same name apart (spdlog's
        // fmt/chrono.h from fmt's own chrono.h).
        PresumedLoc P = SM.getPresumedLoc(Loc);
        if (P.isValid())
          Entry["file"] = P.getFilename();
        Entry["source"] = sourceName(S.Source);
        Entry["effects"] = nlohmann::json::array();
        for (const EffectEntry &E : S.Entries)
          Entry["effects"].push_back(
              {{"effect", E.E.str()}, {"why", explain(SM, E.Why)}});
        if (S.Effects.hasUnknown())
          Entry["unknown_cause"] = unknownCause(Analysis, SM, FD);
        Json.push_back(Entry);
        continue;
      }
      llvm::outs() << where(SM, Loc) << ": " << EffectAnalysis::displayName(FD)
                   << " [" << sourceName(S.Source) << "] " << S.Effects.str()
                   << "\n";
      for (const EffectEntry &E : S.Entries)
        llvm::outs() << "    " << E.E.str() << ": " << explain(SM, E.Why)
                     << "\n";
    }
  }

private:
  const EffectsDatabase &DB;
  const EffectsDatabase *Summaries;
  nlohmann::json &Json;
};

/// What tooling::newFrontendActionFactory asks for, once per file.
struct ConsumerFactory {
  const EffectsDatabase &DB;
  const EffectsDatabase *Summaries;
  nlohmann::json &Json;
  std::unique_ptr<ASTConsumer> newASTConsumer() {
    return std::make_unique<Consumer>(DB, Summaries, Json);
  }
};

} // namespace

int main(int Argc, const char **Argv) {
  addKaraVersionPrinter("kara-effects");
  // A -p that does not load is an error before CommonOptionsParser would
  // announce "running without flags".
  const bool HasFlags = hasFlagsAfterDoubleDash(Argc, Argv);
  if (buildPathArgument(Argc, Argv) &&
      !requireCompilationDatabase("kara-effects", Argc, Argv, {}, HasFlags))
    return 2;
  auto Parser = tooling::CommonOptionsParser::create(Argc, Argv, Category);
  if (!Parser) {
    llvm::errs() << "kara-effects: error: "
                 << llvm::toString(Parser.takeError()) << "\n";
    return 2;
  }
  if (Format != "text" && Format != "json") {
    llvm::errs() << "kara-effects: --format must be 'text' or 'json'\n";
    return 2;
  }
  EffectsDatabase DB = EffectsDatabase::builtin();
  for (const std::string &File : Databases) {
    std::string Error;
    if (!DB.addFile(File, Error)) {
      llvm::errs() << "kara-effects: error: " << Error << "\n";
      return 2;
    }
  }
  const std::vector<std::string> &Files = Parser->getSourcePathList();
  if (!requireInputs("kara-effects", Files) ||
      !requireCompilationDatabase("kara-effects", Argc, Argv, Files, HasFlags))
    return 2;
  EffectsDatabase Summaries;
  if (!SummaryDb.empty()) {
    std::string Error;
    if (!Summaries.addFile(SummaryDb, Error)) {
      llvm::errs() << "kara-effects: error: " << Error << "\n";
      return 2;
    }
  }
  tooling::ClangTool Tool(Parser->getCompilations(), Files);
  Tool.appendArgumentsAdjuster(gccFlagsAdjuster());
  nlohmann::json Json = nlohmann::json::array();
  ConsumerFactory Consumers{DB, SummaryDb.empty() ? nullptr : &Summaries, Json};
  int Status = Tool.run(tooling::newFrontendActionFactory(&Consumers).get());
  if (Format == "json")
    llvm::outs() << Json.dump(2) << "\n";
  return Status;
}
