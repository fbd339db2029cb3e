//===- KaraEffectsMain.cpp - kara-effects: show effect summaries ----------===//
//
//   kara-effects [-p build] [--all] [--format=text|json] [--effects-db=F]
//                file.cpp... [-- compiler flags]
//
// Prints, for every function defined in the given files, its effects, where
// they come from (declared, database, inferred, unknown) and, per effect, the
// first reason: the access or call that causes it.
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

[[maybe_unused]] static int AttributesAnchor = KaraAttributesAnchorSource;

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

class Consumer : public ASTConsumer {
public:
  Consumer(const EffectsDatabase &DB, nlohmann::json &Json)
      : DB(DB), Json(Json) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    const SourceManager &SM = Ctx.getSourceManager();
    EffectAnalysis Analysis(Ctx, DB);
    for (const FunctionDecl *FD : EffectAnalysis::definedFunctions(Ctx)) {
      SourceLocation Loc = SM.getFileLoc(FD->getLocation());
      if (!ShowAll && !SM.isInMainFile(Loc))
        continue;
      const FunctionSummary &S = Analysis.summaryOf(FD);
      if (Format == "json") {
        nlohmann::json Entry;
        Entry["function"] = EffectAnalysis::displayName(FD);
        Entry["location"] = where(SM, Loc);
        Entry["source"] = sourceName(S.Source);
        Entry["effects"] = nlohmann::json::array();
        for (const EffectEntry &E : S.Entries)
          Entry["effects"].push_back(
              {{"effect", E.E.str()}, {"why", explain(SM, E.Why)}});
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
  nlohmann::json &Json;
};

/// What tooling::newFrontendActionFactory asks for, once per file.
struct ConsumerFactory {
  const EffectsDatabase &DB;
  nlohmann::json &Json;
  std::unique_ptr<ASTConsumer> newASTConsumer() {
    return std::make_unique<Consumer>(DB, Json);
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
  tooling::ClangTool Tool(Parser->getCompilations(), Files);
  Tool.appendArgumentsAdjuster(gccFlagsAdjuster());
  nlohmann::json Json = nlohmann::json::array();
  ConsumerFactory Consumers{DB, Json};
  int Status = Tool.run(tooling::newFrontendActionFactory(&Consumers).get());
  if (Format == "json")
    llvm::outs() << Json.dump(2) << "\n";
  return Status;
}
