//===- KaraSummarizeMain.cpp - kara-summarize: cross-TU effect summaries --===//
//
//   kara-summarize -p build -o kara-summaries.json [-j N] [--effects-db F]...
//                  [files...]                             (one command)
//   kara-summarize --map FILE -p build -o FILE.kara-unit.json [-MF FILE.d]
//   kara-summarize --link -o kara-summaries.json UNIT... (@list, directory)
//
// Writes the effect summary of every function of a project as an effects
// database (docs/effects.md), with "exact": true and "from": the file the
// function is defined in. kara-tidy reads it through the
// `kara.SummaryDatabase` option for calls to functions whose body is in
// another translation unit (SPEC §7, docs/scaling.md).
//
// The ThinLTO shape: the map step parses one unit once and writes its
// symbolic summary (every function with a body there that is not in a
// system header: its own effects, and its calls to functions whose effects
// the unit cannot know by key); the link step reads only those summaries
// and solves the whole program's fixpoint exactly, strongly connected
// component by component. The one-command form runs both, mapping in -j
// threads.
//
//===----------------------------------------------------------------------===//

#include "DriverSupport.h"
#include "kara/Analysis/EffectAnalysis.h"
#include "kara/attributes/AttributeNames.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/PrettyPrinter.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Serialization/PCHContainerOperations.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/StringSaver.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <deque>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

using namespace clang;
using namespace kara;

static llvm::cl::OptionCategory Category("kara-summarize options");
static llvm::cl::opt<std::string>
    Output("o",
           llvm::cl::desc("Where to write the summaries (JSON); with --map, "
                          "the unit summary"),
           llvm::cl::value_desc("file"), llvm::cl::Required,
           llvm::cl::cat(Category));
static llvm::cl::opt<unsigned>
    Jobs("j", llvm::cl::desc("Translation units analysed in parallel"),
         llvm::cl::init(0), llvm::cl::cat(Category));
static llvm::cl::opt<bool>
    MapOnly("map",
            llvm::cl::desc("Map step: summarise the one file given into a "
                           "unit summary (link them with --link)"),
            llvm::cl::cat(Category));
static llvm::cl::opt<std::string>
    DepFile("MF",
            llvm::cl::desc("With --map: write a make-style depfile of the "
                           "files the unit reads (for ninja)"),
            llvm::cl::value_desc("file"), llvm::cl::cat(Category));
static llvm::cl::list<std::string>
    Databases("effects-db", llvm::cl::desc("An extra effects database (JSON)"),
              llvm::cl::cat(Category));

static llvm::cl::opt<bool> &ClosedHierarchies =
    closedHierarchiesOption(Category);

[[maybe_unused]] static int AttributesAnchor = KaraAttributesAnchorSource;

static constexpr const char *UnitFormat = "kara-unit";
static constexpr int UnitVersion = 2;

//===----------------------------------------------------------------------===//
// Output files
//===----------------------------------------------------------------------===//

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

/// Written next to the target and renamed: an interrupted run leaves the
/// previous file intact.
static bool writeAtomically(const std::string &Path, const std::string &Text) {
  std::string Temporary = Path + ".tmp";
  {
    std::ofstream Out(Temporary);
    Out << Text;
    if (!Out.flush()) {
      llvm::errs() << "kara-summarize: error: cannot write '" << Temporary
                   << "'\n";
      llvm::sys::fs::remove(Temporary);
      return false;
    }
  }
  if (std::error_code EC = llvm::sys::fs::rename(Temporary, Path)) {
    llvm::errs() << "kara-summarize: error: cannot write '" << Path
                 << "': " << EC.message() << "\n";
    llvm::sys::fs::remove(Temporary);
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Map: one unit into its symbolic summary
//===----------------------------------------------------------------------===//
//
// {"kara-unit": 1, "unit": "/abs/a.cpp", "errors": false,
//  "functions": [{"key": K, "name": "ns::f", "export": true,
//                 "from": "a.cpp", "effects": [E...],
//                 "calls": [{"to": K2, "this": T, "args": [T|null...],
//                            "at": [FILE, LINE]}],
//                 "drop-this": true}]}
//
// E is ["r"|"w", T, [FILE, LINE, WHAT]]: the effect and where the body has
// it (an access, or a call resolved in the unit), for the database's
// "trace". FILE is the path the compiler names the file by. T is ["g", path...]
// (a resource), ["t", members...] (this), ["p", index, name, members...] (a
// parameter), ["u"] (unknown), ["r", type] (the referent of a stored pointer
// or reference), or
// ["l", owner key, reference-parameter index or -1, name, members...] (a
// local of another function: lambdas' captures). A key is the qualified name
// with template arguments, '|', the canonical function type; functions
// without external linkage are prefixed with the unit, local entities
// suffixed with their location.

namespace {

class UnitWriter {
public:
  UnitWriter(ASTContext &Ctx, std::string Unit)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Policy(Ctx.getLangOpts()),
        Unit(std::move(Unit)) {
    Policy.SuppressTagKeyword = true;
    Policy.FullyQualifiedName = true;
    Policy.PrintCanonicalTypes = true;
    Policy.AnonymousTagLocations = true;
  }

  std::string key(const FunctionDecl *FD) {
    FD = FD->getCanonicalDecl();
    auto It = Keys.find(FD);
    if (It != Keys.end())
      return It->second;
    std::string Text;
    llvm::raw_string_ostream OS(Text);
    if (!FD->isExternallyVisible())
      OS << Unit << '|';
    FD->getNameForDiagnostic(OS, Policy, /*Qualified=*/true);
    OS << '|' << FD->getType().getCanonicalType().getAsString(Policy);
    if (FD->getParentFunctionOrMethod()) {
      PresumedLoc P = SM.getPresumedLoc(SM.getFileLoc(FD->getLocation()));
      if (P.isValid())
        OS << '@' << P.getFilename() << ':' << P.getLine() << ':'
           << P.getColumn();
    }
    return Keys[FD] = OS.str();
  }

  /// A target of `Self`'s summary; null for Self's own locals (callers never
  /// see them).
  nlohmann::json target(const Target &T, const FunctionDecl *Self) {
    nlohmann::json J = nlohmann::json::array();
    switch (T.TargetKind) {
    case Target::Kind::Resource:
      J.push_back("g");
      break;
    case Target::Kind::This:
      J.push_back("t");
      break;
    case Target::Kind::Param:
      J.push_back("p");
      J.push_back(T.ParamIndex);
      J.push_back(T.Name);
      break;
    case Target::Kind::Unknown:
      return nlohmann::json::array({"u"});
    case Target::Kind::Referent:
      return nlohmann::json::array({"r", T.Name});
    case Target::Kind::Local: {
      const auto *V = static_cast<const VarDecl *>(T.Object);
      const auto *Owner =
          dyn_cast_or_null<FunctionDecl>(V->getParentFunctionOrMethod());
      if (!Owner || Owner->getCanonicalDecl() == Self->getCanonicalDecl())
        return nullptr;
      int RefParam = -1;
      if (const auto *P = dyn_cast<ParmVarDecl>(V);
          P && P->getType()->isReferenceType())
        RefParam = int(P->getFunctionScopeIndex());
      J.push_back("l");
      J.push_back(key(Owner));
      J.push_back(RefParam);
      J.push_back(T.Name);
      break;
    }
    }
    for (const std::string &M : T.Path)
      J.push_back(M);
    return J;
  }

  /// [FILE, LINE] of a location in the unit.
  nlohmann::json at(SourceLocation Loc) const {
    PresumedLoc P = SM.getPresumedLoc(SM.getFileLoc(Loc));
    if (P.isInvalid())
      return nlohmann::json::array({"<unknown>", 0});
    return nlohmann::json::array({P.getFilename(), P.getLine()});
  }

  /// [FILE, LINE, WHAT]: what brings an effect into a body, as a trace step.
  nlohmann::json step(const Effect &E, const Reason &Why) const {
    nlohmann::json J = at(Why.Loc);
    std::string Effect = E.On.isUnknown() ? "has unknown effects" : E.str();
    switch (Why.ReasonKind) {
    case Reason::Kind::Access:
      J.push_back(Why.Detail);
      break;
    case Reason::Kind::InlineAsm:
      J.push_back("uses inline assembly, which has unknown effects");
      break;
    case Reason::Kind::Indirect:
      J.push_back("makes " + Why.Detail + ", which has unknown effects");
      break;
    case Reason::Kind::Call:
      J.push_back("calls '" + EffectAnalysis::displayName(Why.Callee) +
                  "', which " +
                  (Why.CalleeEffect && !Why.CalleeEffect->On.isUnknown()
                       ? Why.CalleeEffect->str()
                       : std::string("has unknown effects")));
      break;
    case Reason::Kind::Declared:
      J.push_back("is declared " + Effect);
      break;
    default:
      J.push_back(Effect);
      break;
    }
    return J;
  }

  /// Whether the definition Def is a function of the unit summary. Those in
  /// system headers are not: their bodies are in every unit that calls them,
  /// which resolves them itself.
  bool isNode(const FunctionDecl *Def) const {
    return !Def->isInvalidDecl() && !Def->isDependentContext() &&
           !SM.isInSystemHeader(SM.getFileLoc(Def->getLocation()));
  }

  /// FD's entry; appends the callees kept symbolic to `Callees`.
  nlohmann::json function(EffectAnalysis &Analysis, const FunctionDecl *FD,
                          std::vector<const FunctionDecl *> &Callees) {
    EffectAnalysis::SymbolicBody Body =
        Analysis.symbolicBody(FD, [&](const FunctionDecl *Callee) {
          const FunctionDecl *Def = nullptr;
          return !Callee->hasBody(Def) || isNode(Def);
        });
    nlohmann::json J;
    J["key"] = key(FD);
    J["name"] = EffectAnalysis::databaseName(FD);
    // Callers in other units name externally visible functions; template
    // instantiations and implicit members are in every unit that uses them.
    J["export"] = FD->isExternallyVisible() && !FD->isTemplateInstantiation() &&
                  !FD->isImplicit();
    J["from"] = llvm::sys::path::filename(
                    SM.getFilename(SM.getFileLoc(FD->getLocation())))
                    .str();
    nlohmann::json &Effects = J["effects"] = nlohmann::json::array();
    for (const EffectEntry &E : Body.Effects) {
      nlohmann::json T = target(E.E.On, FD);
      if (!T.is_null())
        Effects.push_back(
            {E.E.isWrite() ? "w" : "r", std::move(T), step(E.E, E.Why)});
    }
    nlohmann::json &Calls = J["calls"] = nlohmann::json::array();
    for (const EffectAnalysis::SymbolicCall &C : Body.Calls) {
      Callees.push_back(C.Callee);
      nlohmann::json Call;
      Call["to"] = key(C.Callee);
      if (C.HasThis)
        Call["this"] = C.This ? target(*C.This, FD) : nullptr;
      nlohmann::json &Args = Call["args"] = nlohmann::json::array();
      for (const std::optional<Target> &A : C.Args)
        Args.push_back(A ? target(*A, FD) : nullptr);
      Call["at"] = at(C.Loc);
      Calls.push_back(std::move(Call));
    }
    if (Body.DropThisFromCalls)
      J["drop-this"] = true;
    return J;
  }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
  PrintingPolicy Policy;
  std::string Unit;
  llvm::DenseMap<const FunctionDecl *, std::string> Keys;
};

class MapConsumer : public ASTConsumer {
public:
  MapConsumer(const EffectsDatabase &DB, const std::string &Unit,
              nlohmann::json &Out)
      : DB(DB), Unit(Unit), Out(Out) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    Out[UnitFormat] = UnitVersion;
    Out["unit"] = Unit;
    Out["functions"] = nlohmann::json::array();
    // A unit with errors contributes nothing: its functions stay unknown to
    // their callers rather than half-analysed.
    Out["errors"] = Ctx.getDiagnostics().hasErrorOccurred();
    if (Out["errors"].get<bool>())
      return;
    EffectAnalysis Analysis(Ctx, DB);
    Analysis.setClosedHierarchies(ClosedHierarchies);
    UnitWriter Writer(Ctx, Unit);
    llvm::DenseSet<const FunctionDecl *> Seen;
    std::vector<const FunctionDecl *> Work;
    for (const FunctionDecl *FD : EffectAnalysis::definedFunctions(Ctx))
      if (Writer.isNode(FD) && Seen.insert(FD->getCanonicalDecl()).second)
        Work.push_back(FD);
    // Implicit members (destructors, copy assignments) defined here because
    // something calls them are summarized too: linked like the others.
    for (std::size_t I = 0; I < Work.size(); ++I) {
      std::vector<const FunctionDecl *> Callees;
      Out["functions"].push_back(Writer.function(Analysis, Work[I], Callees));
      for (const FunctionDecl *Callee : Callees) {
        const FunctionDecl *Def = nullptr;
        if (Callee->hasBody(Def) && Writer.isNode(Def) &&
            Seen.insert(Def->getCanonicalDecl()).second)
          Work.push_back(Def);
      }
    }
  }

private:
  const EffectsDatabase &DB;
  const std::string &Unit;
  nlohmann::json &Out;
};

struct MapFactory {
  const EffectsDatabase &DB;
  const std::string &Unit;
  nlohmann::json &Out;
  std::unique_ptr<ASTConsumer> newASTConsumer() {
    return std::make_unique<MapConsumer>(DB, Unit, Out);
  }
};

std::string absolutePath(const std::string &File) {
  llvm::SmallString<256> Path(File);
  llvm::sys::fs::make_absolute(Path);
  llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return Path.str().str();
}

/// Replaces the compile command's own dependency output (-MD, -MF x, ...)
/// with a depfile for `Target` at `Path`.
tooling::ArgumentsAdjuster depfileAdjuster(std::string Path,
                                           std::string Target) {
  return [Path, Target](const tooling::CommandLineArguments &Args,
                        llvm::StringRef) {
    tooling::CommandLineArguments Out;
    for (std::size_t I = 0; I < Args.size(); ++I) {
      llvm::StringRef A(Args[I]);
      if (A == "-MF" || A == "-MT" || A == "-MQ") {
        ++I;
        continue;
      }
      if (A == "-M" || A == "-MM" || A == "-MD" || A == "-MMD" || A == "-MP" ||
          A == "-MG" || A.starts_with("-MF") || A.starts_with("-MT") ||
          A.starts_with("-MQ") || A.starts_with("-Wp,-M"))
        continue;
      Out.push_back(Args[I]);
    }
    for (const char *A : {"-MD", "-MF"})
      Out.push_back(A);
    Out.push_back(Path);
    Out.push_back("-MT");
    Out.push_back(Target);
    return Out;
  };
}

/// Parses one unit and returns its summary ("errors": true if it did not
/// compile cleanly).
nlohmann::json mapUnit(tooling::CompilationDatabase &Compilations,
                       const std::string &File, const EffectsDatabase &DB,
                       const std::string &Depfile = "",
                       const std::string &DepTarget = "") {
  std::string Unit = absolutePath(File);
  nlohmann::json Doc;
  // A physical file system of its own per tool: the default one changes
  // the process's working directory, which threads share.
  tooling::ClangTool Tool(Compilations, {File},
                          std::make_shared<PCHContainerOperations>(),
                          llvm::vfs::createPhysicalFileSystem());
  Tool.setPrintErrorMessage(false);
  Tool.appendArgumentsAdjuster(gccFlagsAdjuster());
  if (!Depfile.empty())
    Tool.appendArgumentsAdjuster(depfileAdjuster(Depfile, DepTarget));
  MapFactory Factory{DB, Unit, Doc};
  int Status = Tool.run(tooling::newFrontendActionFactory(&Factory).get());
  if (Doc.is_null()) // the front end never got to the AST
    Doc = {{UnitFormat, UnitVersion},
           {"unit", Unit},
           {"errors", true},
           {"functions", nlohmann::json::array()}};
  if (Status)
    Doc["errors"] = true;
  return Doc;
}

//===----------------------------------------------------------------------===//
// Link: the whole program's fixpoint
//===----------------------------------------------------------------------===//

/// A local of another function (lambdas' captures), interned: Target::local
/// identifies it by address.
struct LocalId {
  std::string Owner;
  int RefParam = -1;
  std::string Name;
};

struct Call {
  std::size_t To = 0; // node index, or Unresolved
  bool HasThis = false;
  std::optional<Target> This;
  std::vector<std::optional<Target>> Args;
  std::string CalleeKey, File; // for traces
  unsigned Line = 0;
};

/// Why a node has one effect of its solution: the shortest chain of calls
/// down to an access (ties broken by the text of the step, so that the
/// choice does not depend on the order of the inputs).
struct Witness {
  unsigned Depth = 0;
  std::string Order;        // the tie-breaker
  std::size_t Step = 0;     // local step, or call index when Call is set
  bool Call = false;        // the effect comes from call Step ...
  std::optional<Effect> Of; // ... as this effect of the callee (unresolved
                            // calls have none: unknown)
  bool operator<(const Witness &O) const {
    return std::tie(Depth, Order) < std::tie(O.Depth, O.Order);
  }
};

struct Node {
  std::string Key, Name, From;
  bool Export = false, DropThis = false;
  EffectSet Local;
  std::vector<std::pair<Effect, TraceHop>> LocalSteps;    // one per access
  std::vector<std::pair<std::string, Call>> PendingCalls; // by callee key
  std::vector<Call> Calls;
  std::set<std::size_t> BodyHashes; // identical copies (inline functions)
};

constexpr std::size_t Unresolved = ~std::size_t(0);

class Linker {
public:
  /// Adds one unit summary; on a malformed one returns false and sets Error.
  bool add(const nlohmann::json &Doc, const std::string &Origin,
           std::string &Error) {
    try {
      if (!Doc.is_object() || !Doc.contains(UnitFormat)) {
        Error = Origin + ": not a kara unit summary (no \"kara-unit\" field; "
                         "write it with kara-summarize --map)";
        return false;
      }
      if (Doc.at(UnitFormat).get<int>() != UnitVersion) {
        Error = Origin + ": unit summary version " + Doc.at(UnitFormat).dump() +
                " is not supported (expected " + std::to_string(UnitVersion) +
                ")";
        return false;
      }
      std::string Unit = Doc.at("unit").get<std::string>();
      if (!Units.insert(Unit).second) {
        Error = Origin + ": the unit '" + Unit + "' is given twice";
        return false;
      }
      if (Doc.at("errors").get<bool>())
        FailedUnits.push_back(Unit);
      // Parse everything before adding anything.
      std::vector<Node> Parsed;
      for (const nlohmann::json &F : Doc.at("functions")) {
        Node N;
        N.Key = F.at("key").get<std::string>();
        N.Name = F.at("name").get<std::string>();
        N.From = F.at("from").get<std::string>();
        N.Export = F.at("export").get<bool>();
        N.DropThis = F.value("drop-this", false);
        for (const nlohmann::json &E : F.at("effects")) {
          std::string Kind = E.at(0).get<std::string>();
          if (Kind != "r" && Kind != "w")
            throw std::runtime_error("an effect is neither \"r\" nor \"w\"");
          Target T = target(E.at(1));
          Effect Eff = Kind == "w" ? Effect::write(T) : Effect::read(T);
          N.Local.add(Eff);
          const nlohmann::json &Step = E.at(2);
          N.LocalSteps.emplace_back(Eff, TraceHop{N.Name,
                                                  Step.at(2).get<std::string>(),
                                                  Step.at(0).get<std::string>(),
                                                  Step.at(1).get<unsigned>()});
        }
        for (const nlohmann::json &C : F.at("calls")) {
          Call Site;
          if (C.contains("this")) {
            Site.HasThis = true;
            if (!C.at("this").is_null())
              Site.This = target(C.at("this"));
          }
          for (const nlohmann::json &A : C.at("args"))
            Site.Args.push_back(A.is_null() ? std::nullopt
                                            : std::optional(target(A)));
          Site.CalleeKey = C.at("to").get<std::string>();
          Site.File = C.at("at").at(0).get<std::string>();
          Site.Line = C.at("at").at(1).get<unsigned>();
          N.PendingCalls.emplace_back(Site.CalleeKey, std::move(Site));
        }
        N.BodyHashes.insert(std::hash<std::string>()(F.at("effects").dump() +
                                                     F.at("calls").dump()));
        Parsed.push_back(std::move(N));
      }
      for (Node &N : Parsed)
        merge(std::move(N));
      return true;
    } catch (const std::exception &E) {
      Error = Origin + ": malformed unit summary: " + E.what();
      return false;
    }
  }

  /// Solves the fixpoint and returns the database entries of the exported
  /// functions, overloads united under their name.
  std::map<std::string, DatabaseEntry> solve() {
    for (Node &N : Nodes) {
      for (auto &[Key, Site] : N.PendingCalls) {
        auto It = Index.find(Key);
        Site.To = It == Index.end() ? Unresolved : It->second;
        N.Calls.push_back(std::move(Site));
      }
      N.PendingCalls.clear();
    }
    Effects.assign(Nodes.size(), EffectSet());
    Witnesses.assign(Nodes.size(), {});
    for (const std::vector<std::size_t> &Component : components()) {
      solveComponent(Component);
      explainComponent(Component);
    }
    std::map<std::string, DatabaseEntry> Result;
    // Nodes in key order: the output does not depend on the input order.
    std::map<std::string, std::size_t> Sorted;
    for (std::size_t I = 0; I < Nodes.size(); ++I)
      Sorted.emplace(Nodes[I].Key, I);
    for (const auto &[Key, I] : Sorted) {
      if (!Nodes[I].Export)
        continue;
      DatabaseEntry Entry = entry(I);
      auto [It, Inserted] = Result.emplace(Nodes[I].Name, Entry);
      if (!Inserted)
        unite(It->second, Entry);
    }
    return Result;
  }

  const std::vector<std::string> &failedUnits() const { return FailedUnits; }
  std::size_t units() const { return Units.size(); }
  std::size_t functions() const { return Nodes.size(); }
  std::size_t unresolvedCalls() const {
    std::size_t N = 0;
    for (const Node &Node : Nodes)
      for (const Call &C : Node.Calls)
        N += C.To == Unresolved;
    return N;
  }

private:
  Target target(const nlohmann::json &J) {
    if (!J.is_array() || J.empty())
      throw std::runtime_error("a target is not a non-empty list");
    std::string Kind = J.at(0).get<std::string>();
    auto Members = [&](std::size_t From) {
      std::vector<std::string> Path;
      for (std::size_t I = From; I < J.size(); ++I)
        Path.push_back(J.at(I).get<std::string>());
      return Path;
    };
    if (Kind == "g") {
      std::vector<std::string> Path = Members(1);
      if (Path.empty())
        throw std::runtime_error("a resource has no name");
      return Target::resource(std::move(Path));
    }
    if (Kind == "t")
      return Target::thisObject(Members(1));
    if (Kind == "p")
      return Target::param(J.at(1).get<unsigned>(), J.at(2).get<std::string>(),
                           Members(3));
    if (Kind == "u")
      return Target::unknown();
    if (Kind == "r")
      return Target::referent(J.at(1).get<std::string>());
    if (Kind == "l") {
      LocalId Id{J.at(1).get<std::string>(), J.at(2).get<int>(),
                 J.at(3).get<std::string>()};
      std::string Name =
          Id.Owner + '\x1f' + std::to_string(Id.RefParam) + '\x1f' + Id.Name;
      auto [It, Inserted] = LocalIndex.emplace(Name, nullptr);
      if (Inserted)
        It->second = &Locals.emplace_back(std::move(Id));
      return Target::local(It->second, It->second->Name, Members(4));
    }
    throw std::runtime_error("unknown target kind '" + Kind + "'");
  }

  void merge(Node N) {
    auto [It, Inserted] = Index.emplace(N.Key, Nodes.size());
    if (Inserted) {
      Nodes.push_back(std::move(N));
      return;
    }
    // The same function seen in several units (inline, templates): one copy
    // of each distinct body, united (sound if the units saw it differently).
    Node &Old = Nodes[It->second];
    if (Old.BodyHashes.count(*N.BodyHashes.begin()))
      return;
    Old.BodyHashes.insert(*N.BodyHashes.begin());
    Old.Local.addAll(N.Local);
    for (auto &S : N.LocalSteps)
      Old.LocalSteps.push_back(std::move(S));
    Old.DropThis = Old.DropThis && N.DropThis;
    for (auto &C : N.PendingCalls)
      Old.PendingCalls.push_back(std::move(C));
  }

  /// Strongly connected components of the call graph, callees first
  /// (Tarjan's algorithm without recursion: chains can be long).
  std::vector<std::vector<std::size_t>> components() {
    std::vector<std::vector<std::size_t>> Result;
    const std::size_t None = Unresolved;
    std::vector<std::size_t> Number(Nodes.size(), None), Low(Nodes.size());
    std::vector<bool> OnStack(Nodes.size(), false);
    std::vector<std::size_t> Stack;
    std::vector<std::pair<std::size_t, std::size_t>> Work; // node, next call
    std::size_t Counter = 0;
    for (std::size_t Root = 0; Root < Nodes.size(); ++Root) {
      if (Number[Root] != None)
        continue;
      Work.push_back({Root, 0});
      Number[Root] = Low[Root] = Counter++;
      Stack.push_back(Root);
      OnStack[Root] = true;
      while (!Work.empty()) {
        auto &[V, Next] = Work.back();
        if (Next < Nodes[V].Calls.size()) {
          std::size_t W = Nodes[V].Calls[Next++].To;
          if (W == Unresolved)
            continue;
          if (Number[W] == None) {
            Number[W] = Low[W] = Counter++;
            Stack.push_back(W);
            OnStack[W] = true;
            Work.push_back({W, 0});
          } else if (OnStack[W]) {
            Low[V] = std::min(Low[V], Number[W]);
          }
          continue;
        }
        std::size_t Done = V;
        Work.pop_back();
        if (!Work.empty())
          Low[Work.back().first] = std::min(Low[Work.back().first], Low[Done]);
        if (Low[Done] == Number[Done]) {
          std::vector<std::size_t> Component;
          std::size_t W;
          do {
            W = Stack.back();
            Stack.pop_back();
            OnStack[W] = false;
            Component.push_back(W);
          } while (W != Done);
          std::sort(Component.begin(), Component.end());
          Result.push_back(std::move(Component));
        }
      }
    }
    return Result;
  }

  /// What a callee's effect target is at one call site (null: nothing the
  /// caller sees), as EffectAnalysis maps it.
  std::optional<Target> mapToCaller(const Target &T, const Call &C,
                                    const Node &Caller) const {
    return EffectAnalysis::mapCalleeTarget(
        T, C.HasThis, C.This, C.Args,
        [&](const Target &T) -> std::optional<Target> {
          const auto *L = static_cast<const LocalId *>(T.Object);
          if (L->Owner != Caller.Key)
            return T;
          if (L->RefParam < 0)
            return std::nullopt; // the caller's own local
          // A reference parameter of the caller captured by a lambda.
          return EffectAnalysis::withMemberPath(
              Target::param(unsigned(L->RefParam), L->Name), T.Path);
        });
  }

  /// The name a call's callee goes by in a trace: its node's, or its key's
  /// up to the type for a function no unit defines.
  std::string calleeName(const Call &C) const {
    if (C.To != Unresolved)
      return Nodes[C.To].Name;
    llvm::StringRef Key(C.CalleeKey);
    if (Key.count('|') > 1) // internal linkage: the unit first
      Key = Key.split('|').second;
    return Key.split('|').first.str();
  }

  /// The witnesses of the effects of a solved component, its callees'
  /// known: shortest chains first, relaxed until stable.
  void explainComponent(const std::vector<std::size_t> &Component) {
    auto Better = [](std::map<Effect, Witness> &Map, const Effect &E,
                     Witness W) {
      auto It = Map.find(E);
      if (It != Map.end() && !(W < It->second))
        return false;
      Map[E] = std::move(W);
      return true;
    };
    for (bool Changed = true; Changed;) {
      Changed = false;
      for (std::size_t I : Component) {
        const Node &N = Nodes[I];
        std::map<Effect, Witness> &Mine = Witnesses[I];
        auto Has = [&](const Effect &E) {
          return llvm::is_contained(Effects[I].effects(), E);
        };
        for (std::size_t S = 0; S < N.LocalSteps.size(); ++S) {
          const auto &[E, Hop] = N.LocalSteps[S];
          if (Has(E))
            Changed |= Better(
                Mine, E,
                {0, Hop.File + ':' + std::to_string(Hop.Line) + ' ' + Hop.What,
                 S, false, std::nullopt});
        }
        for (std::size_t CI = 0; CI < N.Calls.size(); ++CI) {
          const Call &C = N.Calls[CI];
          std::string At =
              C.File + ':' + std::to_string(C.Line) + ' ' + C.CalleeKey + ' ';
          if (C.To == Unresolved) {
            Changed |= Better(Mine, Effect::unknown(),
                              {0, At, CI, true, std::nullopt});
            continue;
          }
          // A copy: a recursive call's witnesses change while we look.
          std::map<Effect, Witness> Theirs = Witnesses[C.To];
          for (const auto &[E, W] : Theirs) {
            std::optional<Target> Mapped = mapToCaller(E.On, C, N);
            if (!Mapped ||
                (N.DropThis && Mapped->TargetKind == Target::Kind::This))
              continue;
            Effect Here{E.Kind, *Mapped};
            if (Has(Here))
              Changed |=
                  Better(Mine, Here, {W.Depth + 1, At + E.str(), CI, true, E});
          }
        }
      }
    }
  }

  /// The trace of effect E of node I: the calls down to where it happens.
  std::vector<TraceHop> trace(std::size_t I, Effect E) const {
    std::vector<TraceHop> Hops;
    while (Hops.size() < MaxTraceSteps) {
      auto It = Witnesses[I].find(E);
      if (It == Witnesses[I].end())
        break;
      const Witness &W = It->second;
      const Node &N = Nodes[I];
      if (!W.Call) {
        Hops.push_back(N.LocalSteps[W.Step].second);
        break;
      }
      const Call &C = N.Calls[W.Step];
      std::string Callee = "'" + calleeName(C) + "'";
      Hops.push_back(
          {N.Name,
           W.Of ? "calls " + Callee
                : "calls " + Callee + " (defined in no summarized unit)",
           C.File, C.Line});
      if (!W.Of)
        break;
      I = C.To;
      E = *W.Of;
    }
    return Hops;
  }

  EffectSet evaluate(std::size_t I) const {
    const Node &N = Nodes[I];
    EffectSet S = N.Local;
    for (const Call &C : N.Calls) {
      if (C.To == Unresolved) {
        S.add(Effect::unknown());
        continue;
      }
      for (const Effect &E : Effects[C.To])
        if (std::optional<Target> Mapped = mapToCaller(E.On, C, N))
          if (!(N.DropThis && Mapped->TargetKind == Target::Kind::This))
            S.add(Effect{E.Kind, *Mapped});
    }
    return S;
  }

  void solveComponent(const std::vector<std::size_t> &Component) {
    // Least fixpoint from empty summaries; summaries only grow and are
    // bounded (member paths are cut), so this ends.
    for (unsigned Round = 0;; ++Round) {
      bool Changed = false;
      for (std::size_t I : Component) {
        EffectSet S = evaluate(I);
        if (!(S == Effects[I])) {
          Effects[I] = std::move(S);
          Changed = true;
        }
      }
      if (!Changed)
        return;
      if (Round > 64) { // cannot happen for a monotone system; stay sound
        for (std::size_t I : Component)
          Effects[I].add(Effect::unknown());
        return;
      }
    }
  }

  /// Node I's database entry (EffectsDatabase::entryFor: exactly its
  /// effects, in the database's spelling), with the trace of each effect it
  /// lists.
  DatabaseEntry entry(std::size_t I) const {
    const EffectSet &Effects = this->Effects[I];
    DatabaseEntry Entry = EffectsDatabase::entryFor(Effects);
    Entry.Exact = true;
    Entry.From = Nodes[I].From;
    // Per key, the effect with the best witness.
    std::map<std::string, std::pair<const Witness *, Effect>> Best;
    auto Offer = [&](const std::string &Key, const Effect &E) {
      auto W = Witnesses[I].find(E);
      if (W == Witnesses[I].end())
        return;
      auto It = Best.find(Key);
      if (It == Best.end() || W->second < *It->second.first)
        Best.insert_or_assign(Key, std::pair(&W->second, E));
    };
    if (Effects.hasUnknown()) {
      Offer(DatabaseEntry::UnknownTraceKey, Effect::unknown());
    } else {
      std::set<std::string> Writes(Entry.Writes.begin(), Entry.Writes.end());
      for (const Effect &E : Effects)
        if (std::optional<std::string> Name = EffectsDatabase::spelling(E.On);
            Name && (E.isWrite() || !Writes.count(*Name)))
          Offer(DatabaseEntry::traceKey(E.isWrite(), *Name), E);
    }
    for (const auto &[Key, Choice] : Best)
      Entry.Traces[Key] = trace(I, Choice.second);
    return Entry;
  }

  /// Overloads (or functions of the same name) share one entry.
  static void unite(DatabaseEntry &Old, const DatabaseEntry &New) {
    // The first overload's trace of an effect both have (in key order).
    for (const auto &[Key, Hops] : New.Traces)
      Old.Traces.emplace(Key, Hops);
    if (Old.Unknown || New.Unknown) {
      Old.Unknown = true;
      Old.Reads.clear();
      Old.Writes.clear();
      std::erase_if(Old.Traces, [](const auto &KV) {
        return KV.first != DatabaseEntry::UnknownTraceKey;
      });
      return;
    }
    for (auto [Mine, Theirs] :
         {std::pair{&Old.Reads, &New.Reads}, {&Old.Writes, &New.Writes}}) {
      std::set<std::string> Union(Mine->begin(), Mine->end());
      Union.insert(Theirs->begin(), Theirs->end());
      Mine->assign(Union.begin(), Union.end());
    }
  }

  std::set<std::string> Units;
  std::vector<std::string> FailedUnits;
  std::vector<Node> Nodes;
  std::map<std::string, std::size_t> Index;
  std::vector<EffectSet> Effects;
  std::vector<std::map<Effect, Witness>> Witnesses;
  /// Longer chains are cut (the notes end there): bounds the database.
  static constexpr std::size_t MaxTraceSteps = 32;
  std::deque<LocalId> Locals;
  std::map<std::string, LocalId *> LocalIndex;
};

/// Links and writes the database; the exit status of the run.
int linkAndWrite(Linker &L, const std::string &Output) {
  if (L.units() == 0) {
    llvm::errs() << "kara-summarize: error: no unit summaries to link\n";
    return 2;
  }
  for (const std::string &Unit : L.failedUnits())
    llvm::errs() << "kara-summarize: warning: '" << Unit
                 << "' did not compile: its functions are not summarized "
                    "(their callers' effects stay unknown)\n";
  // No unit compiled: an empty database must not replace a good one.
  if (L.failedUnits().size() == L.units()) {
    llvm::errs() << "kara-summarize: error: no translation unit could be "
                    "analysed; '"
                 << Output << "' is left unchanged\n";
    return 1;
  }
  std::map<std::string, DatabaseEntry> Entries = L.solve();
  std::size_t Unknown = 0;
  for (const auto &[Name, Entry] : Entries)
    Unknown += Entry.Unknown;
  if (!writeAtomically(
          Output,
          EffectsDatabase::toJson(
              Entries, "Effect summaries written by kara-summarize; read by "
                       "kara-tidy through the kara.SummaryDatabase option.")))
    return 2;
  llvm::errs() << "kara-summarize: " << Entries.size() << " functions from "
               << L.units() << " translation units (" << L.functions()
               << " definitions, " << L.unresolvedCalls()
               << " calls to functions defined nowhere, " << Unknown
               << " unknown) -> " << Output << "\n";
  return L.failedUnits().empty() ? 0 : 1;
}

bool readText(const std::string &Path, std::string &Text) {
  std::ifstream In(Path);
  if (!In)
    return false;
  std::stringstream Buffer;
  Buffer << In.rdbuf();
  Text = Buffer.str();
  return true;
}

/// kara-summarize --link -o OUT INPUT...: INPUT is a unit summary, a
/// directory (every *.kara-unit.json below it) or @file (one input a line,
/// or anything a response file holds).
int linkMain(int Argc, const char **Argv) {
  llvm::BumpPtrAllocator Alloc;
  llvm::StringSaver Saver(Alloc);
  llvm::SmallVector<const char *, 64> Args(Argv + 1, Argv + Argc);
  if (!llvm::cl::ExpandResponseFiles(Saver, llvm::cl::TokenizeGNUCommandLine,
                                     Args)) {
    llvm::errs() << "kara-summarize: error: cannot read a response file\n";
    return 2;
  }
  std::string Out;
  std::vector<std::string> Inputs;
  bool Options = true;
  for (std::size_t I = 0; I < Args.size(); ++I) {
    llvm::StringRef A(Args[I]);
    if (Options && (A == "--link" || A == "-link"))
      continue;
    if (Options && A == "--") {
      Options = false;
      continue;
    }
    if (Options && A == "-o") {
      if (I + 1 == Args.size()) {
        llvm::errs() << "kara-summarize: error: -o needs a file\n";
        return 2;
      }
      Out = Args[++I];
      continue;
    }
    if (Options && A.starts_with("-")) {
      llvm::errs() << "kara-summarize: error: unknown option '" << A
                   << "' for --link (usage: kara-summarize --link -o OUT "
                      "UNIT.kara-unit.json... | DIR | @FILE)\n";
      return 2;
    }
    Inputs.push_back(A.str());
  }
  if (Out.empty()) {
    llvm::errs() << "kara-summarize: error: --link needs -o OUT\n";
    return 2;
  }
  std::vector<std::string> Files;
  for (const std::string &In : Inputs) {
    if (llvm::sys::fs::is_directory(In)) {
      std::vector<std::string> Found;
      std::error_code EC;
      for (llvm::sys::fs::recursive_directory_iterator It(In, EC), End;
           It != End && !EC; It.increment(EC))
        if (llvm::StringRef(It->path()).ends_with(".kara-unit.json"))
          Found.push_back(It->path());
      std::sort(Found.begin(), Found.end());
      Files.insert(Files.end(), Found.begin(), Found.end());
      continue;
    }
    Files.push_back(In);
  }
  if (Files.empty()) {
    llvm::errs() << "kara-summarize: error: --link: no unit summaries given\n";
    return 2;
  }
  if (!outputDirectoryUsable(Out))
    return 2;
  Linker L;
  for (const std::string &File : Files) {
    std::string Text, Error;
    if (!readText(File, Text)) {
      llvm::errs() << "kara-summarize: error: cannot read '" << File << "'; '"
                   << Out << "' is left unchanged\n";
      return 2;
    }
    nlohmann::json Doc = nlohmann::json::parse(Text, nullptr, false);
    if (Doc.is_discarded()) {
      llvm::errs() << "kara-summarize: error: " << File << ": not valid JSON; '"
                   << Out << "' is left unchanged\n";
      return 2;
    }
    if (!L.add(Doc, File, Error)) {
      llvm::errs() << "kara-summarize: error: " << Error << "; '" << Out
                   << "' is left unchanged\n";
      return 2;
    }
  }
  return linkAndWrite(L, Out);
}

} // namespace

int main(int Argc, const char **Argv) {
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    if (A == "--")
      break;
    if (A == "--link" || A == "-link")
      return linkMain(Argc, Argv);
  }
  addKaraVersionPrinter("kara-summarize");
  const bool HasFlags = hasFlagsAfterDoubleDash(Argc, Argv);
  if (buildPathArgument(Argc, Argv) &&
      !requireCompilationDatabase("kara-summarize", Argc, Argv, {}, HasFlags))
    return 2;
  auto Parser = tooling::CommonOptionsParser::create(
      Argc, Argv, Category, llvm::cl::ZeroOrMore,
      "Writes the effect summaries of a project for kara-tidy's cross-TU "
      "checks (docs/scaling.md).\n");
  if (!Parser) {
    llvm::errs() << "kara-summarize: error: "
                 << llvm::toString(Parser.takeError()) << "\n";
    return 2;
  }
  // With no files on the command line, CommonOptionsParser loads no
  // database: load the one -p names (or the one above the working directory).
  std::unique_ptr<tooling::CompilationDatabase> Loaded;
  std::vector<std::string> Files = Parser->getSourcePathList();
  if (MapOnly && Files.size() != 1) {
    llvm::errs() << "kara-summarize: error: --map summarises exactly one "
                    "file (given "
                 << Files.size() << ")\n";
    return 2;
  }
  if (!DepFile.empty() && !MapOnly) {
    llvm::errs() << "kara-summarize: error: -MF goes with --map\n";
    return 2;
  }
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
    // A file two targets compile (leveldb's memenv.cc) is listed once per
    // command: it is one unit, analysed with its first command.
    std::set<std::string> Seen;
    llvm::erase_if(
        Files, [&](const std::string &F) { return !Seen.insert(F).second; });
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

  if (MapOnly) {
    nlohmann::json Doc =
        mapUnit(Compilations, Files[0], DB, DepFile, Output.getValue());
    bool Errors = Doc["errors"].get<bool>();
    if (Errors)
      llvm::errs() << "kara-summarize: error: '" << Files[0]
                   << "' did not compile: its unit summary lists no "
                      "functions\n";
    if (!writeAtomically(Output, Doc.dump() + "\n"))
      return 2;
    return Errors ? 1 : 0;
  }

  // One command: the map step in threads, then the link step in memory.
  unsigned Threads =
      Jobs ? Jobs : std::max(1u, std::thread::hardware_concurrency());
  Threads = std::min<unsigned>(Threads, Files.size());
  std::vector<nlohmann::json> Docs(Files.size());
  std::atomic<std::size_t> Next{0}, Done{0};
  std::mutex Print;
  auto Work = [&] {
    for (std::size_t I = Next++; I < Files.size(); I = Next++) {
      Docs[I] = mapUnit(Compilations, Files[I], DB);
      bool Errors = Docs[I]["errors"].get<bool>();
      std::lock_guard<std::mutex> Guard(Print);
      llvm::errs() << "[" << ++Done << "/" << Files.size() << "] " << Files[I]
                   << (Errors ? " (errors: not summarized)" : "") << "\n";
    }
  };
  std::vector<std::thread> Pool;
  for (unsigned T = 1; T < Threads; ++T)
    Pool.emplace_back(Work);
  Work();
  for (std::thread &T : Pool)
    T.join();
  Linker L;
  for (std::size_t I = 0; I < Files.size(); ++I) {
    std::string Error;
    if (!L.add(Docs[I], Files[I], Error)) {
      llvm::errs() << "kara-summarize: error: " << Error << "\n";
      return 2;
    }
    Docs[I] = nullptr; // the link step holds summaries only
  }
  return linkAndWrite(L, Output);
}
