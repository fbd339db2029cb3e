//===- ParallelizeCheck.cpp - kara-parallelize ----------------------------===//

#include "ParallelizeCheck.h"

#include "kara/Analysis/RuntimeApi.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/TypeLoc.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/Preprocessor.h"

#include <set>

using namespace clang;
using namespace clang::ast_matchers;

namespace kara {

std::string effectPhrase(const Effect &E) {
  const char *Verb = E.isWrite() ? "writes" : "reads";
  switch (E.On.TargetKind) {
  case Target::Kind::Local:
    return std::string(Verb) + " variable '" + E.On.Name + "'";
  case Target::Kind::Param:
    return std::string(Verb) + " the object parameter '" + E.On.Name +
           "' refers to";
  case Target::Kind::This:
    return std::string(Verb) + " " + E.On.str();
  case Target::Kind::Unknown:
    return "has unknown effects";
  case Target::Kind::Referent:
    return std::string(Verb) + " an object of type '" + E.On.Name +
           "' through a stored pointer or reference (" + E.str() + ")";
  case Target::Kind::Resource:
    return E.str();
  }
  return E.str();
}

namespace {

std::string describeDependence(const Dependence &D) {
  const char *Strict =
      " (kara-parallelize.StrictExceptionOrder keeps it after)";
  switch (D.DependenceKind) {
  case Dependence::Kind::Exception:
    return "that statement may throw and this one " +
           effectPhrase(*D.LaterEffect) + Strict;
  case Dependence::Kind::ExceptionAfterWrite:
    return "this statement may throw and that one " +
           effectPhrase(*D.EarlierEffect) + Strict;
  case Dependence::Kind::ThrowOrder:
    return std::string("both may throw, and in parallel another exception "
                       "than the one sequential code throws first could "
                       "propagate") +
           Strict;
  case Dependence::Kind::DefUse:
    return "this statement uses '" + D.Var->getNameAsString() +
           "', which that one declares";
  case Dependence::Kind::Pinned:
    return "";
  case Dependence::Kind::MayAlias:
    return "this statement " + effectPhrase(*D.LaterEffect) + " and that one " +
           effectPhrase(*D.EarlierEffect) +
           ", which may be the same object (a caller may pass one as the "
           "other; nothing here shows they are distinct)";
  case Dependence::Kind::Conflict:
    break;
  }
  return "this statement " + effectPhrase(*D.LaterEffect) + " and that one " +
         effectPhrase(*D.EarlierEffect);
}

std::string varName(const VarDecl *V) {
  return V ? "'" + V->getNameAsString() + "'" : std::string("a variable");
}

} // namespace

/// The one place where reasons become words.
static std::string missedReasonText(const MissedReason &R) {
  using K = MissedReason::Kind;
  switch (R.ReasonKind) {
  case K::NotIndependent:
    return "";
  case K::ObservableDestructor:
    return varName(R.Var) + " has a type with a user-provided destructor ('" +
           R.TypeName +
           "'), and moving it into a branch would change when it is "
           "destroyed";
  case K::ReferenceInit:
    return "a reference declaration that is not an lvalue reference "
           "initialised with '=' is not rewritten";
  case K::TemporaryLifetime:
    return varName(R.Var) + " extends the lifetime of a temporary, which "
                            "would end inside a branch";
  case K::UnspellableType:
    return "the type of " + varName(R.Var) + " could not be spelt";
  case K::ArrayOrFunction:
    return "an array or function-pointer declaration cannot be returned "
           "from a branch";
  case K::StructuredBinding:
    return "a structured binding would have to be returned from a branch";
  case K::DecltypeAuto:
    return "'decltype(auto)' declarations are not rewritten";
  case K::AutoDirectInit:
    return "an 'auto' declaration with direct initialization is not "
           "rewritten";
  case K::NotMovable:
    return "'" + R.TypeName +
           "' can be neither copied nor moved out of a "
           "branch";
  case K::Declarators:
    return varName(R.Var) +
           " is declared together with other variables and cannot be "
           "declared on its own after the par";
  case K::MacroStatement:
    return "a statement is inside a macro expansion";
  case K::StatementEnd:
    return "a statement's end could not be found";
  case K::SourceText:
    return "a statement's source text could not be read";
  case K::SharedLine:
    return "another statement or comment shares a line with a statement of "
           "the run";
  case K::NotComments:
    return "something other than comments stands between the statements";
  case K::TemplateDisagree:
    return "the instantiations of its template would be rewritten "
           "differently";
  case K::BrokenContract:
    return "it calls " +
           (R.Callee ? EffectAnalysis::displayName(R.Callee)
                     : std::string("a function")) +
           ", whose body exceeds its kara annotation (kara-effect-contract)";
  }
  return "";
}

namespace {

/// Source text of the statements of a run, with their comments, ready to be
/// moved into branches.
struct Piece {
  const Stmt *S = nullptr;
  std::string Text;                 // the statement with its semicolon
  std::string Trailing;             // a comment on the same line, if any
  std::vector<std::string> Leading; // comment lines before it
  SourceLocation Begin, End;        // End: after the trailing comment
  unsigned Column = 0;              // of the statement's first character
};

bool isSpace(char C) { return C == ' ' || C == '\t'; }

std::string trim(llvm::StringRef S) { return S.trim().str(); }

/// Re-indents the continuation lines of a multi-line statement.
std::string reindent(const std::string &Text, unsigned OldColumn,
                     const std::string &NewIndent) {
  std::string Out;
  llvm::SmallVector<llvm::StringRef, 8> Lines;
  llvm::StringRef(Text).split(Lines, '\n');
  for (unsigned I = 0; I < Lines.size(); ++I) {
    llvm::StringRef Line = Lines[I];
    if (I > 0) {
      Out += "\n";
      unsigned Drop = 0;
      while (Drop < Line.size() && Drop < OldColumn && isSpace(Line[Drop]))
        ++Drop;
      Line = Line.drop_front(Drop);
      if (!Line.empty())
        Out += NewIndent;
    }
    Out += Line.str();
  }
  return Out;
}

/// How a declaration that a branch exports is returned from it.
struct Export {
  const VarDecl *Var = nullptr;
  std::string TypeText; // empty: deduced (`auto`)
  bool Const = false;
  /// The declaration up to the variable's name (`const Orders o`), for the
  /// tuple form; empty if it shares its declaration with others.
  std::string Head;
};

} // namespace

ParallelizeCheck::ParallelizeCheck(StringRef Name,
                                   tidy::ClangTidyContext *Context)
    : KaraCheckBase(Name, Context),
      StrictExceptionOrder(boolOption("StrictExceptionOrder", true)),
      ExplainMissed(boolOption("ExplainMissed", false)),
      AllocationMayThrow(boolOption("AllocationMayThrow", true)),
      FloatReductions(boolOption("FloatReductions", false)),
      Inserter(Options.getLocalOrGlobal("IncludeStyle",
                                        tidy::utils::IncludeSorter::IS_LLVM),
               areDiagsSelfContained()) {}

void ParallelizeCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  KaraCheckBase::storeOptions(Opts);
  Options.store(Opts, "StrictExceptionOrder", boolText(StrictExceptionOrder));
  Options.store(Opts, "ExplainMissed", boolText(ExplainMissed));
  Options.store(Opts, "AllocationMayThrow", boolText(AllocationMayThrow));
  Options.store(Opts, "FloatReductions", boolText(FloatReductions));
  Options.store(Opts, "IncludeStyle", Inserter.getStyle());
}

void ParallelizeCheck::registerPPCallbacks(const SourceManager &,
                                           Preprocessor *PP, Preprocessor *) {
  Inserter.registerPreprocessor(PP);
}

void ParallelizeCheck::registerMatchers(MatchFinder *Finder) {
  // One match per function definition; its blocks are found by walking the
  // body (a parent map of the whole file would cost more than the analysis).
  Finder->addMatcher(functionDecl(isDefinition()).bind("function"), this);
}

namespace {
/// kara::par and the runtime's parallel loops: their lambdas are planned.
bool isParCall(const CallExpr *CE) {
  return isKaraParallelCall(CE->getDirectCallee());
}

/// The compound statements of a function body, each with the function it
/// runs in (lambda bodies run in the lambda's call operator) and the try
/// block of the innermost `try` of that function around it. The branches
/// of a kara::par are not collected: they are planned already (by the
/// rewrite, or by hand), and planning them again would not be idempotent.
class BlockCollector : public RecursiveASTVisitor<BlockCollector> {
public:
  explicit BlockCollector(const FunctionDecl *Fn) : Context(Fn) {}
  bool shouldVisitLambdaBody() const { return false; }
  bool TraverseLambdaExpr(LambdaExpr *LE) {
    for (Expr *Init : LE->capture_inits())
      TraverseStmt(Init);
    if (ParBranches.count(LE) || LE->isGenericLambda())
      return true;
    const FunctionDecl *Outer = Context;
    const Stmt *OuterTry = TryBlock;
    Context = LE->getCallOperator();
    TryBlock = nullptr;
    TraverseStmt(LE->getBody());
    Context = Outer;
    TryBlock = OuterTry;
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    if (isParCall(CE))
      for (const Expr *Arg : CE->arguments())
        if (const auto *LE = dyn_cast<LambdaExpr>(Arg->IgnoreParenImpCasts()))
          ParBranches.insert(LE);
    return true;
  }
  bool TraverseCXXTryStmt(CXXTryStmt *Try) {
    const Stmt *Outer = TryBlock;
    TryBlock = Try->getTryBlock();
    TraverseStmt(Try->getTryBlock());
    TryBlock = Outer;
    for (unsigned I = 0; I < Try->getNumHandlers(); ++I)
      TraverseStmt(Try->getHandler(I));
    return true;
  }
  // Local classes' member functions are matched on their own.
  bool TraverseCXXRecordDecl(CXXRecordDecl *) { return true; }
  bool VisitCompoundStmt(CompoundStmt *CS) {
    Blocks.push_back({CS, Context, TryBlock});
    return true;
  }
  bool VisitForStmt(ForStmt *S) {
    Loops.push_back({S, Context, TryBlock});
    return true;
  }
  bool VisitCXXForRangeStmt(CXXForRangeStmt *S) {
    Loops.push_back({S, Context, TryBlock});
    return true;
  }
  std::vector<ParallelizeCheck::LoopSite> Loops;
  struct Found {
    const CompoundStmt *Block;
    const FunctionDecl *Context;
    const Stmt *TryBlock;
  };
  std::vector<Found> Blocks;
  const llvm::SmallPtrSet<const LambdaExpr *, 8> &parBranches() const {
    return ParBranches;
  }

private:
  const FunctionDecl *Context;
  const Stmt *TryBlock = nullptr;
  llvm::SmallPtrSet<const LambdaExpr *, 8> ParBranches;
};

/// Names a fresh variable must not take: every declaration in the function
/// and every name it refers to.
class NameCollector : public RecursiveASTVisitor<NameCollector> {
public:
  bool VisitNamedDecl(NamedDecl *D) {
    if (D->getIdentifier())
      Names.insert(D->getName().str());
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (DRE->getDecl()->getIdentifier())
      Names.insert(DRE->getDecl()->getName().str());
    return true;
  }
  std::set<std::string> Names;
};
} // namespace

void ParallelizeCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("function");
  if (!FD || !FD->getBody() || FD->isInvalidDecl() || FD->isImplicit())
    return;
  if (!getLangOpts().CPlusPlus17)
    return; // the rewrite uses structured bindings
  const SourceManager &SM = *Result.SourceManager;
  if (!isReportedLocation(FD->getLocation(), SM))
    return;
  // A template's pattern has unresolved calls; its instantiations decide.
  if (FD->isDependentContext())
    return;
  // Lambdas are planned with the function that contains them, except
  // generic ones, whose instantiations are planned on their own.
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
    if (MD->getParent()->isLambda() && (!MD->getParent()->isGenericLambda() ||
                                        ParLambdas.count(MD->getParent())))
      return;
  bool Instantiation = FD->isTemplateInstantiation() ||
                       FD->getTemplateInstantiationPattern() != nullptr;
  EndSM = &SM;
  EffectAnalysis &Effects = analysis(*Result.Context);
  Effects.setAllocationMayThrow(AllocationMayThrow);
  DependenceAnalysis Deps(Effects, StrictExceptionOrder);
  BlockCollector Collector(FD);
  Collector.TraverseStmt(FD->getBody());
  CurrentAST = Result.Context;
  Aliased = aliasedLocals(FD->getBody());
  NameCollector Names;
  Names.TraverseDecl(const_cast<FunctionDecl *>(FD));
  FunctionNames = std::move(Names.Names);
  Rewritten.clear();
  LoopRewrites.clear();
  for (const LambdaExpr *LE : Collector.parBranches())
    if (LE->isGenericLambda())
      ParLambdas.insert(LE->getLambdaClass());
  planLoops(Collector.Loops, SM, Instantiation);
  // Innermost blocks first: a statement that contains a rewritten run is
  // not moved into a branch (one --fix gives the final text).
  for (auto It = Collector.Blocks.rbegin(); It != Collector.Blocks.rend();
       ++It) {
    const CompoundStmt *Block = It->Block;
    if (Block->size() < 2 || Block->getBeginLoc().isMacroID())
      continue;
    // Inside a loop rewritten into kara::for_each: a lambda's body that a
    // second run does not plan either.
    if (llvm::any_of(LoopRewrites, [&](SourceRange R) {
          return !SM.isBeforeInTranslationUnit(Block->getBeginLoc(),
                                               R.getBegin()) &&
                 !SM.isBeforeInTranslationUnit(R.getEnd(), Block->getEndLoc());
        }))
      continue;
    std::vector<Decision> Decisions =
        planBlock(Block, It->Context, It->TryBlock, Deps, SM, Instantiation);
    if (!Instantiation) {
      for (const Decision &D : Decisions)
        report(D, SM);
      continue;
    }
    TemplateBlocks[Block->getBeginLoc().getRawEncoding()]
        .PerInstantiation.push_back(std::move(Decisions));
  }
}

std::vector<ParallelizeCheck::Decision>
ParallelizeCheck::planBlock(const CompoundStmt *Block,
                            const FunctionDecl *Context, const Stmt *TryBlock,
                            DependenceAnalysis &Deps, const SourceManager &SM,
                            bool Instantiation) {
  std::vector<StatementInfo> Infos;
  for (const Stmt *S : Block->body()) {
    StatementInfo Info = Deps.describe(S, Context);
    if (!Info.Block)
      for (SourceRange R : Rewritten)
        if (!SM.isBeforeInTranslationUnit(R.getBegin(), S->getBeginLoc()) ||
            SM.isBeforeInTranslationUnit(S->getEndLoc(), R.getEnd()))
          continue;
        else {
          Info.Block = Blocker{Blocker::Kind::ContainsPar, "kara::par"};
          break;
        }
    Infos.push_back(std::move(Info));
  }
  ThrowScope Scope{Context, TryBlock};
  std::vector<Decision> Decisions;
  for (auto [First, Last] : DependenceAnalysis::candidateRuns(Infos)) {
    Decision D = decideRun(std::vector<StatementInfo>(Infos.begin() + First,
                                                      Infos.begin() + Last + 1),
                           Block, Last, Scope, Deps, SM, Instantiation);
    if (D.Fix)
      Rewritten.emplace_back(D.Fix->Begin, D.Fix->End);
    Decisions.push_back(std::move(D));
  }
  return Decisions;
}

void ParallelizeCheck::onEndOfTranslationUnit() {
  // A block inside a template is rewritten when every instantiation decides
  // the same rewrite; the rewrite's text comes from the shared source. The
  // first instantiation explains.
  for (auto &[Key, Block] : TemplateBlocks) {
    std::vector<Decision> &First = Block.PerInstantiation.front();
    bool Agree = llvm::all_of(Block.PerInstantiation,
                              [&](const std::vector<Decision> &Ds) {
                                if (Ds.size() != First.size())
                                  return false;
                                for (unsigned I = 0; I < Ds.size(); ++I)
                                  if (Ds[I].Fix != First[I].Fix)
                                    return false;
                                return true;
                              });
    if (!EndSM)
      break;
    for (Decision &D : First) {
      if (!Agree && D.Fix) {
        D.Fix.reset();
        D.Missed = MissedReason{MissedReason::Kind::TemplateDisagree};
      }
      report(D, *EndSM);
    }
  }
  TemplateBlocks.clear();
  // A loop inside a template: rewritten when every instantiation renders
  // the same text; otherwise the first instantiation that keeps it explains.
  for (auto &[Key, Decisions] : TemplateLoops) {
    if (!EndSM)
      break;
    const LoopDecision &First = Decisions.front();
    bool Agree = llvm::all_of(Decisions, [&](const LoopDecision &D) {
      return D.Rewrite && First.Rewrite &&
             D.Rewrite->Text == First.Rewrite->Text &&
             D.Rewrite->Begin == First.Rewrite->Begin &&
             D.Rewrite->End == First.Rewrite->End;
    });
    if (Agree) {
      reportLoop(First, *EndSM);
      continue;
    }
    // The first instantiation that keeps the loop and says why.
    const LoopDecision *Kept = nullptr;
    for (const LoopDecision &D : Decisions)
      if (!D.Rewrite && (!Kept || (Kept->Notes.empty() && !D.Notes.empty())))
        Kept = &D;
    LoopDecision Missed = *Kept;
    Missed.Rewrite.reset();
    if (llvm::any_of(Decisions,
                     [](const LoopDecision &D) { return D.Rewrite; }))
      Missed.Notes.insert(Missed.Notes.begin(),
                          {Missed.Loc, "the instantiations of its template "
                                       "would not all rewrite this loop"});
    reportLoop(Missed, *EndSM);
  }
  TemplateLoops.clear();
  ParLambdas.clear();
}

void ParallelizeCheck::emit(const Rewrite &R, const SourceManager &SM) {
  std::optional<FixItHint> Include = Inserter.createIncludeInsertion(
      SM.getFileID(R.Begin), "<kara/runtime.hpp>");
  // clang-tidy prints a diagnostic's fix-its as ranges of its snippet, and
  // clang 19's snippet numbers its lines from the earliest range even when
  // that range (the include, far above) lies outside the lines it shows.
  // So an include further away than a snippet can show gets a diagnostic
  // of its own (--fix applies both); editors keep one code action.
  bool IncludeApart = false;
  if (Include && !DiagnosticsForEditor) {
    unsigned Caret = SM.getPresumedLineNumber(R.DiagLoc);
    unsigned At = SM.getPresumedLineNumber(Include->RemoveRange.getBegin());
    IncludeApart = At > Caret ||
                   Caret - At + 1 > DiagnosticOptions::DefaultSnippetLineLimit;
  }
  {
    auto Diag = diag(R.DiagLoc, "%0 statements can run in parallel as %1 "
                                "branches of kara::par")
                << R.Statements << R.Branches;
    Diag << FixItHint::CreateReplacement(
        CharSourceRange::getCharRange(R.Begin, R.End), R.Text);
    if (Include && !IncludeApart)
      Diag << *Include;
  }
  if (IncludeApart)
    diag(Include->RemoveRange.getBegin(),
         "kara::par needs <kara/runtime.hpp>: the include is added here for "
         "the rewrite at line %0")
        << SM.getPresumedLineNumber(R.DiagLoc) << *Include;
}

void ParallelizeCheck::report(const Decision &D, const SourceManager &SM) {
  if (D.Fix)
    emit(*D.Fix, SM);
  if (!ExplainMissed)
    return;
  if (D.Missed) {
    std::string Why = missedReasonText(*D.Missed);
    diag(D.Run.front().S->getBeginLoc(),
         "%0 statements calling kara-annotated functions were not "
         "parallelized%1")
        << static_cast<unsigned>(D.Run.size())
        << (Why.empty() ? std::string() : ": " + Why);
    if (D.Missed->At && D.Missed->At != D.Run.front().S)
      diag(D.Missed->At->getBeginLoc(), "this statement", DiagnosticIDs::Note);
    explainDependences(D.Run, D.Plan, /*OnlyDeferred=*/false, SM);
    return;
  }
  if (D.Fix && !D.Plan.Deferred.empty()) {
    diag(D.Run[D.Plan.Deferred.front()].S->getBeginLoc(),
         "%0 of %1 statements stay after kara::par")
        << static_cast<unsigned>(D.Plan.Deferred.size())
        << static_cast<unsigned>(D.Run.size());
    explainDependences(D.Run, D.Plan, /*OnlyDeferred=*/true, SM);
  }
}

void ParallelizeCheck::explainDependences(const std::vector<StatementInfo> &Run,
                                          const RunPlan &Plan,
                                          bool OnlyDeferred,
                                          const SourceManager &SM) {
  unsigned Notes = 0;
  for (const Dependence &D : Plan.Dependences) {
    if (OnlyDeferred && !llvm::is_contained(Plan.Deferred, D.Later))
      continue;
    if (Notes++ == 6)
      break;
    if (D.DependenceKind == Dependence::Kind::Pinned) {
      diag(Run[D.Later].S->getBeginLoc(),
           "this statement stays outside the branches: it uses the pointer "
           "%0, which a branch would capture by reference, and the analysis "
           "of the rewritten code could no longer tell what it points to",
           DiagnosticIDs::Note)
          << D.Var;
      continue;
    }
    SourceLocation Earlier = Run[D.Earlier].S->getBeginLoc();
    diag(Run[D.Later].S->getBeginLoc(),
         "this statement must follow the one at line %0: %1",
         DiagnosticIDs::Note)
        << SM.getSpellingLineNumber(Earlier) << describeDependence(D);
  }
}

namespace {

/// Variables named by some statements (in any way), those captured by
/// lambdas, and those returned or thrown by name.
class ReferenceFinder : public RecursiveASTVisitor<ReferenceFinder> {
public:
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
      Referenced.insert(V->getCanonicalDecl());
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *LE) {
    for (const LambdaCapture &C : LE->captures())
      if (C.capturesVariable())
        if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar())) {
          Captured.insert(V->getCanonicalDecl());
          Referenced.insert(V->getCanonicalDecl());
        }
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *RS) {
    named(RS->getRetValue());
    return true;
  }
  bool VisitCXXThrowExpr(CXXThrowExpr *TE) {
    named(TE->getSubExpr());
    return true;
  }
  bool VisitCoreturnStmt(CoreturnStmt *CS) {
    named(CS->getOperand());
    return true;
  }
  std::set<const VarDecl *> Referenced, Captured, ReturnedByName;

private:
  // `return x;` moves a local (implicitly movable entity), never a
  // structured binding.
  void named(const Expr *E) {
    while (E) {
      E = E->IgnoreParenImpCasts();
      if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
        E = CE->getNumArgs() == 1 ? CE->getArg(0) : nullptr;
        continue;
      }
      if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E)) {
        E = BTE->getSubExpr();
        continue;
      }
      break;
    }
    if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
      if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
        ReturnedByName.insert(V->getCanonicalDecl());
  }
};

/// How one par binds what its branches export.
enum class BindForm {
  None,     ///< `kara::par(...);`
  Bindings, ///< `auto [a, b] = kara::par(...);` (or `const auto`)
  Tuple,    ///< `auto t = kara::par(...); T a = std::get<0>(std::move(t));`
};

/// One branch as decided: its statements and what it exports.
struct BranchDecision {
  std::vector<unsigned> Chain;
  std::vector<Export> Exports;
};

struct RoundDecision {
  std::vector<BranchDecision> Branches;
  BindForm Form = BindForm::None;
  bool Const = false;    // Bindings: `const auto [...]`
  std::string TupleName; // Tuple
};

/// Decides the text-level part of a run's rewrite (exports, how they are
/// bound, the source pieces), then renders it; rendering cannot fail.
class RunRewriter {
public:
  RunRewriter(const SourceManager &SM, const ASTContext &Context,
              bool CopyScalars, llvm::ArrayRef<const VarDecl *> Aliased,
              std::set<std::string> &Names)
      : SM(SM), LO(Context.getLangOpts()), Context(Context),
        CopyScalars(CopyScalars), Aliased(Aliased), Names(Names) {}

  /// Everything the rewrite needs, decided; on failure the reason.
  std::optional<MissedReason> decide(const std::vector<StatementInfo> &Run,
                                     const RunPlan &Plan,
                                     const CompoundStmt *Block,
                                     unsigned RunEnd) {
    this->Run = &Run;
    this->Plan = &Plan;
    if (!collectPieces(Run))
      return Failure;
    // Variables declared anywhere in the run may become structured
    // bindings, which C++17 cannot capture: branches never copy them; nor
    // variables that may have an alias anywhere in the function.
    Excluded.assign(Aliased.begin(), Aliased.end());
    for (const StatementInfo &Info : Run)
      Excluded.insert(Excluded.end(), Info.Declares.begin(),
                      Info.Declares.end());
    // Variables used after the run decide what branches must return.
    ReferenceFinder After;
    bool Past = false;
    unsigned Index = 0;
    for (const Stmt *S : Block->body()) {
      if (Past)
        After.TraverseStmt(const_cast<Stmt *>(S));
      if (Index++ == RunEnd)
        Past = true;
    }
    Indent = std::string(Pieces.front().Column, ' ');
    for (const ParRound &R : Plan.Rounds)
      for (const auto &Chain : R.Chains)
        for (unsigned I : Chain)
          for (const VarDecl *V : Run[I].Declares)
            if (const CXXRecordDecl *RD = observableDestructor(V->getType())) {
              MissedReason M{MissedReason::Kind::ObservableDestructor, Run[I].S,
                             V};
              M.TypeName = RD->getNameAsString();
              return M;
            }
    unsigned Fresh = 0;
    for (unsigned RI = 0; RI < Plan.Rounds.size(); ++RI) {
      // What later rounds, the statements after the last par and the code
      // after the run use.
      ReferenceFinder Later = After;
      for (unsigned RJ = RI + 1; RJ < Plan.Rounds.size(); ++RJ)
        for (const auto &Chain : Plan.Rounds[RJ].Chains)
          for (unsigned I : Chain)
            Later.TraverseStmt(const_cast<Stmt *>(Run[I].S));
      for (unsigned I : Plan.Sequential)
        Later.TraverseStmt(const_cast<Stmt *>(Run[I].S));
      RoundDecision RD;
      bool NeedTuple = false;
      std::optional<bool> Const;
      for (const auto &Chain : Plan.Rounds[RI].Chains) {
        BranchDecision B;
        B.Chain = Chain;
        for (unsigned I : Chain)
          for (const VarDecl *V : Run[I].Declares)
            if (Later.Referenced.count(V)) {
              std::optional<Export> E = exportOf(V);
              if (!E) {
                Failure.At = Run[I].S;
                return Failure;
              }
              B.Exports.push_back(std::move(*E));
            }
        for (const Export &E : B.Exports) {
          // A structured binding is not implicitly movable (`return p;`),
          // C++17 lambdas cannot capture it, and all bindings of one
          // declaration share `const`: those need real variables.
          bool Moves = !E.Var->getType()->isReferenceType() &&
                       !E.Var->getType().isTriviallyCopyableType(Context);
          if ((Moves && Later.ReturnedByName.count(E.Var)) ||
              (!LO.CPlusPlus20 && Later.Captured.count(E.Var)) ||
              (Const && *Const != E.Const))
            NeedTuple = true;
          Const = E.Const;
        }
        if (B.Exports.size() > 1)
          NeedTuple = true;
        RD.Branches.push_back(std::move(B));
      }
      if (Const)
        RD.Form = NeedTuple ? BindForm::Tuple : BindForm::Bindings;
      RD.Const = Const.value_or(false);
      if (RD.Form == BindForm::Tuple) {
        for (const BranchDecision &B : RD.Branches)
          for (const Export &E : B.Exports)
            if (E.Head.empty())
              return MissedReason{MissedReason::Kind::Declarators, nullptr,
                                  E.Var};
        do
          RD.TupleName = "kara_par" + (Fresh ? std::to_string(Fresh) : "");
        while (Names.count(RD.TupleName) && ++Fresh);
        // Later rewrites of the same function must not take it again.
        Names.insert(RD.TupleName);
      }
      Rounds.push_back(std::move(RD));
    }
    return std::nullopt;
  }

  /// The text replacing [begin(), end()), from the decision.
  std::string render() {
    std::vector<std::string> Blocks;
    for (const RoundDecision &R : Rounds)
      Blocks.push_back(parBlock(R));
    for (unsigned I : Plan->Sequential)
      Blocks.push_back(pieceLines(Pieces[I], ""));
    std::string Out;
    for (unsigned I = 0; I < Blocks.size(); ++I) {
      if (I)
        Out += "\n" + Indent;
      Out += Blocks[I];
    }
    return Out;
  }

  unsigned branches() const {
    unsigned N = 0;
    for (const RoundDecision &R : Rounds)
      N += R.Branches.size();
    return N;
  }
  SourceLocation begin() const { return Pieces.front().Begin; }
  SourceLocation end() const { return Pieces.back().End; }

private:
  bool fail(MissedReason Why) {
    Failure = std::move(Why);
    return false;
  }

  bool collectPieces(const std::vector<StatementInfo> &Run) {
    SourceLocation PrevEnd;
    for (const StatementInfo &Info : Run) {
      Piece P;
      P.S = Info.S;
      SourceLocation Begin = Info.S->getBeginLoc();
      SourceLocation Last = Info.S->getEndLoc();
      if (Begin.isMacroID() || Last.isMacroID())
        return fail({MissedReason::Kind::MacroStatement, Info.S});
      if (isa<Expr>(Info.S)) {
        std::optional<Token> Semi = Lexer::findNextToken(Last, SM, LO);
        if (!Semi || Semi->isNot(tok::semi))
          return fail({MissedReason::Kind::StatementEnd, Info.S});
        Last = Semi->getLocation();
      }
      SourceLocation StmtEnd = Lexer::getLocForEndOfToken(Last, 0, SM, LO);
      bool Invalid = false;
      P.Text =
          Lexer::getSourceText(CharSourceRange::getCharRange(Begin, StmtEnd),
                               SM, LO, &Invalid)
              .str();
      if (Invalid || P.Text.empty())
        return fail({MissedReason::Kind::SourceText, Info.S});
      P.Begin = Begin;
      P.Column = SM.getSpellingColumnNumber(Begin) - 1;
      // A comment that ends the statement's line belongs to it.
      llvm::StringRef Buffer = SM.getBufferData(SM.getFileID(StmtEnd));
      unsigned Offset = SM.getFileOffset(StmtEnd);
      llvm::StringRef Rest = Buffer.substr(Offset);
      llvm::StringRef Line = Rest.take_until([](char C) { return C == '\n'; });
      llvm::StringRef TrimmedLine = Line.trim();
      if (TrimmedLine.starts_with("//") ||
          (TrimmedLine.starts_with("/*") && TrimmedLine.ends_with("*/"))) {
        P.Trailing = TrimmedLine.str();
        P.End = StmtEnd.getLocWithOffset(Line.size());
      } else if (TrimmedLine.empty()) {
        P.End = StmtEnd;
      } else {
        return fail({MissedReason::Kind::SharedLine, Info.S});
      }
      // Comment lines between the previous statement and this one.
      if (PrevEnd.isValid()) {
        llvm::StringRef Between = Lexer::getSourceText(
            CharSourceRange::getCharRange(PrevEnd, Begin), SM, LO, &Invalid);
        llvm::SmallVector<llvm::StringRef, 4> Lines;
        Between.split(Lines, '\n');
        for (llvm::StringRef L : Lines) {
          L = L.trim();
          if (L.empty())
            continue;
          if (!L.starts_with("//") && !L.starts_with("/*") &&
              !L.starts_with("*"))
            return fail({MissedReason::Kind::NotComments, Info.S});
          P.Leading.push_back(L.str());
        }
      }
      PrevEnd = P.End;
      Pieces.push_back(std::move(P));
    }
    return true;
  }

  /// The lines of a piece as they stand outside any branch.
  std::string pieceLines(const Piece &P, const std::string &ExtraIndent) {
    std::string Out;
    for (const std::string &L : P.Leading)
      Out += L + "\n" + Indent + ExtraIndent;
    Out += reindent(P.Text, P.Column, Indent + ExtraIndent);
    if (!P.Trailing.empty())
      Out += " " + P.Trailing;
    return Out;
  }

  /// A reference declaration stays a reference: the branch returns it
  /// (`-> const Config &`) and the binding refers to the same object. Only
  /// references bound directly to an lvalue: a temporary whose lifetime the
  /// declaration extends would die inside the branch.
  std::optional<Export> referenceExport(const VarDecl *V) {
    QualType T = V->getType();
    const Expr *Init = V->getInit();
    if (!T->isLValueReferenceType() || !Init ||
        V->getInitStyle() != VarDecl::CInit)
      return fail({MissedReason::Kind::ReferenceInit, nullptr, V}),
             std::nullopt;
    const Expr *Bound = Init->IgnoreParens();
    while (const auto *Cast = dyn_cast<ImplicitCastExpr>(Bound)) {
      if (Cast->getCastKind() != CK_NoOp &&
          Cast->getCastKind() != CK_DerivedToBase &&
          Cast->getCastKind() != CK_UncheckedDerivedToBase)
        break;
      Bound = Cast->getSubExpr()->IgnoreParens();
    }
    if (!Bound->isLValue() || isa<MaterializeTemporaryExpr>(Bound) ||
        isa<ExprWithCleanups>(Init))
      return fail({MissedReason::Kind::TemporaryLifetime, nullptr, V}),
             std::nullopt;
    // The type as written, from the declaration's start: a qualifier such as
    // `const` lies outside the type location's own range.
    SourceRange R(
        V->getBeginLoc(),
        V->getTypeSourceInfo()->getTypeLoc().getSourceRange().getEnd());
    if (R.isInvalid() || R.getBegin().isMacroID() || R.getEnd().isMacroID())
      return fail({MissedReason::Kind::UnspellableType, nullptr, V}),
             std::nullopt;
    Export E;
    E.Var = V;
    E.TypeText =
        Lexer::getSourceText(CharSourceRange::getTokenRange(R), SM, LO).str();
    if (E.TypeText.empty() || E.TypeText.find("decltype") != std::string::npos)
      return fail({MissedReason::Kind::UnspellableType, nullptr, V}),
             std::nullopt;
    return E;
  }

  /// How `V` leaves its branch, with its declaration's head.
  std::optional<Export> exportOf(const VarDecl *V) {
    std::optional<Export> E = exportType(V);
    if (E)
      E->Head = headOf(V);
    return E;
  }

  /// A variable declared with others (`int a = f(), b = g();`) is returned
  /// by name with the declaration's shared type: only when its declarator
  /// adds nothing to it (no `*`, `&` or array).
  bool sharedTypeOnly(const VarDecl *V) {
    for (const StatementInfo &Info : *Run) {
      const auto *DS = dyn_cast<DeclStmt>(Info.S);
      if (!DS || !llvm::is_contained(Info.Declares, V))
        continue;
      if (DS->isSingleDecl())
        return true;
      if (V->getType()->isReferenceType())
        return false;
      const auto *First = dyn_cast<VarDecl>(*DS->decl_begin());
      SourceLocation TypeEnd =
          V->getTypeSourceInfo()->getTypeLoc().getSourceRange().getEnd();
      return First && TypeEnd.isValid() &&
             SM.isBeforeInTranslationUnit(TypeEnd, First->getLocation());
    }
    return false;
  }

  std::optional<Export> exportType(const VarDecl *V) {
    Export E;
    E.Var = V;
    QualType T = V->getType();
    if (!sharedTypeOnly(V))
      return fail({MissedReason::Kind::Declarators, nullptr, V}), std::nullopt;
    if (T->isReferenceType())
      return referenceExport(V);
    if (T->isArrayType() || T->isFunctionPointerType())
      return fail({MissedReason::Kind::ArrayOrFunction, nullptr, V}),
             std::nullopt;
    if (isa<DecompositionDecl>(V))
      return fail({MissedReason::Kind::StructuredBinding, nullptr, V}),
             std::nullopt;
    E.Const = T.isConstQualified();
    if (const AutoType *Auto = T->getContainedAutoType()) {
      if (Auto->isDecltypeAuto())
        return fail({MissedReason::Kind::DecltypeAuto, nullptr, V}),
               std::nullopt;
      if (V->getInitStyle() != VarDecl::CInit)
        return fail({MissedReason::Kind::AutoDirectInit, nullptr, V}),
               std::nullopt;
      return E;
    }
    TypeLoc TL = V->getTypeSourceInfo()->getTypeLoc();
    if (auto Qualified = TL.getAs<QualifiedTypeLoc>())
      TL = Qualified.getUnqualifiedLoc();
    SourceRange R = TL.getSourceRange();
    if (R.isInvalid() || R.getBegin().isMacroID() || R.getEnd().isMacroID())
      return fail({MissedReason::Kind::UnspellableType, nullptr, V}),
             std::nullopt;
    E.TypeText =
        Lexer::getSourceText(CharSourceRange::getTokenRange(R), SM, LO).str();
    if (E.TypeText.empty() || E.TypeText.find("const") == 0)
      return fail({MissedReason::Kind::UnspellableType, nullptr, V}),
             std::nullopt;
    if (const CXXRecordDecl *RD = T->getAsCXXRecordDecl()) {
      bool Movable = !RD->hasDefinition() ||
                     RD->needsImplicitCopyConstructor() ||
                     RD->needsImplicitMoveConstructor();
      if (RD->hasDefinition())
        for (const CXXConstructorDecl *C : RD->ctors())
          if (C->isCopyOrMoveConstructor() && !C->isDeleted())
            Movable = true;
      if (!Movable) {
        MissedReason M{MissedReason::Kind::NotMovable, nullptr, V};
        M.TypeName = E.TypeText;
        return fail(M), std::nullopt;
      }
    }
    return E;
  }

  /// The initializer of a single-variable declaration as a return value.
  std::optional<std::string> returnValueOf(const Piece &P, const Export &E) {
    // Text between the variable's name and the closing semicolon.
    SourceLocation NameEnd =
        Lexer::getLocForEndOfToken(E.Var->getLocation(), 0, SM, LO);
    unsigned From = SM.getFileOffset(NameEnd);
    unsigned StmtBegin = SM.getFileOffset(P.Begin);
    if (From < StmtBegin || From - StmtBegin > P.Text.size())
      return std::nullopt;
    llvm::StringRef Init = llvm::StringRef(P.Text).drop_front(From - StmtBegin);
    Init = Init.trim();
    if (!Init.consume_back(";"))
      return std::nullopt;
    Init = Init.trim();
    switch (E.Var->getInitStyle()) {
    case VarDecl::CInit:
      if (!Init.consume_front("="))
        return std::nullopt;
      return Init.trim().str();
    case VarDecl::CallInit:
    case VarDecl::ListInit:
    case VarDecl::ParenListInit:
      if (E.TypeText.empty())
        return std::nullopt;
      return E.TypeText + Init.str();
    }
    return std::nullopt;
  }

  /// The declaration up to the variable's name, for a variable declared on
  /// its own: `const Orders o`, `auto &r`. Empty otherwise.
  std::string headOf(const VarDecl *V) {
    const Stmt *DS = nullptr;
    for (const StatementInfo &Info : *Run)
      if (llvm::is_contained(Info.Declares, V))
        DS = Info.S;
    const auto *Decl = dyn_cast_or_null<DeclStmt>(DS);
    if (!Decl || !Decl->isSingleDecl())
      return "";
    SourceLocation NameEnd =
        Lexer::getLocForEndOfToken(V->getLocation(), 0, SM, LO);
    if (Decl->getBeginLoc().isMacroID() || NameEnd.isInvalid())
      return "";
    return Lexer::getSourceText(
               CharSourceRange::getCharRange(Decl->getBeginLoc(), NameEnd), SM,
               LO)
        .str();
  }

  /// True if `V` is declared alone, so its initializer can be returned.
  bool declaredAlone(const VarDecl *V, const Piece &P) {
    const auto *DS = dyn_cast<DeclStmt>(P.S);
    return DS && DS->isSingleDecl() && DS->getSingleDecl() == V;
  }

  /// One branch: its lambda, returning what it exports.
  std::string branch(const BranchDecision &B) {
    std::string Inner = Indent + "      ";
    std::vector<std::string> Lines; // body lines, without indentation
    bool HasComments = false;
    const std::vector<unsigned> &Chain = B.Chain;
    bool ReturnsInit = false;
    for (unsigned K = 0; K < Chain.size(); ++K) {
      const Piece &P = Pieces[Chain[K]];
      for (const std::string &L : P.Leading) {
        Lines.push_back(L);
        HasComments = true;
      }
      bool Last = K + 1 == Chain.size();
      std::string Text;
      std::optional<std::string> Value;
      if (B.Exports.size() == 1 && Last && declaredAlone(B.Exports[0].Var, P))
        Value = returnValueOf(P, B.Exports[0]);
      if (Value) {
        Text = "return " + reindent(*Value, P.Column, Inner) + ";";
        ReturnsInit = true;
      } else {
        Text = reindent(P.Text, P.Column, Inner);
      }
      if (!P.Trailing.empty()) {
        Text += " " + P.Trailing;
        HasComments = true;
      }
      Lines.push_back(Text);
    }
    if (B.Exports.size() == 1 && !ReturnsInit)
      Lines.push_back("return " + B.Exports[0].Var->getNameAsString() + ";");
    if (B.Exports.size() > 1) {
      // Every variable, each with its own type: references stay references.
      std::string Types, Values;
      for (const Export &E : B.Exports) {
        std::string Name = E.Var->getNameAsString();
        bool Ref = E.Var->getType()->isReferenceType();
        std::string Type = !E.TypeText.empty() ? E.TypeText
                           : Ref               ? "decltype(" + Name + ")"
                                 : "std::remove_cv_t<decltype(" + Name + ")>";
        Types += (Types.empty() ? "" : ", ") + Type;
        Values += (Values.empty() ? "" : ", ") +
                  (Ref ? Name : "std::move(" + Name + ")");
      }
      Lines.push_back("return std::tuple<" + Types + ">(" + Values + ");");
    }

    std::string Head = "[&" + copiedScalars(Chain) + "]";
    if (B.Exports.size() == 1 && !B.Exports[0].TypeText.empty())
      Head += "() -> " + B.Exports[0].TypeText;
    if (Lines.size() == 1 && !HasComments &&
        Lines.front().find('\n') == std::string::npos)
      return Head + " { " + Lines.front() + " }";
    std::string Out = Head + " {";
    for (const std::string &L : Lines)
      Out += "\n" + Inner + L;
    Out += "\n" + Indent + "    }";
    return Out;
  }

  /// ", a, b" for the scalars the chain only reads: a branch that holds
  /// copies instead of their addresses reaches the runtime's parallel path
  /// in registers, so the inline path compiles like the plain calls. Nothing
  /// writes them while the par runs (such a write would be a dependence),
  /// and they have no alias anywhere in the function.
  std::string copiedScalars(const std::vector<unsigned> &Chain) {
    if (!CopyScalars)
      return "";
    std::vector<const Stmt *> Statements;
    for (unsigned I : Chain)
      Statements.push_back((*Run)[I].S);
    std::string Out;
    for (const VarDecl *V : readOnlyScalarLocals(Statements, Excluded, Context))
      Out += ", " + V->getNameAsString();
    return Out;
  }

  std::string parBlock(const RoundDecision &R) {
    std::string Out;
    if (R.Form == BindForm::Bindings) {
      Out += R.Const ? "const auto [" : "auto [";
      bool FirstName = true;
      for (const BranchDecision &B : R.Branches)
        for (const Export &E : B.Exports) {
          Out += (FirstName ? "" : ", ") + E.Var->getNameAsString();
          FirstName = false;
        }
      Out += "] = ";
    } else if (R.Form == BindForm::Tuple) {
      Out += "auto " + R.TupleName + " = ";
    }
    Out += "kara::par(";
    for (unsigned I = 0; I < R.Branches.size(); ++I)
      Out += "\n" + Indent + "    " + branch(R.Branches[I]) +
             (I + 1 == R.Branches.size() ? ");" : ",");
    if (R.Form != BindForm::Tuple)
      return Out;
    // Each variable declared as written, from its element of the result.
    unsigned Element = 0;
    for (const BranchDecision &B : R.Branches) {
      if (B.Exports.empty())
        continue;
      std::string Slot = "std::get<" + std::to_string(Element++) +
                         ">(std::move(" + R.TupleName + "))";
      for (unsigned K = 0; K < B.Exports.size(); ++K) {
        std::string Value =
            B.Exports.size() == 1
                ? Slot
                : "std::get<" + std::to_string(K) + ">(" + Slot + ")";
        Out += "\n" + Indent + B.Exports[K].Head + " = " + Value + ";";
      }
    }
    return Out;
  }

  const SourceManager &SM;
  const LangOptions &LO;
  const ASTContext &Context;
  bool CopyScalars;
  llvm::ArrayRef<const VarDecl *> Aliased;
  std::set<std::string> &Names;
  const std::vector<StatementInfo> *Run = nullptr;
  const RunPlan *Plan = nullptr;
  MissedReason Failure;
  std::vector<const VarDecl *> Excluded;
  std::vector<Piece> Pieces;
  std::vector<RoundDecision> Rounds;
  std::string Indent;
};

} // namespace

ParallelizeCheck::Decision
ParallelizeCheck::decideRun(std::vector<StatementInfo> Run,
                            const CompoundStmt *Block, unsigned RunEnd,
                            const ThrowScope &Scope, DependenceAnalysis &Deps,
                            const SourceManager &SM, bool Instantiation) {
  Decision D;
  D.Run = std::move(Run);
  // Never reorder on a contract the tool can see is broken, also when
  // kara-effect-contract is not enabled.
  for (const StatementInfo &Info : D.Run)
    if (Info.BrokenContract) {
      D.Missed = MissedReason{MissedReason::Kind::BrokenContract, Info.S};
      D.Missed->Callee = Info.BrokenContract;
      return D;
    }
  D.Plan = Deps.plan(D.Run, Scope);
  if (!D.Plan.parallelizes()) {
    D.Missed = MissedReason{MissedReason::Kind::NotIndependent};
    return D;
  }
  // Inside templates branches keep `[&]`: a type that is scalar in one
  // instantiation may be a class in another.
  RunRewriter Rewriter(SM, *CurrentAST, /*CopyScalars=*/!Instantiation, Aliased,
                       FunctionNames);
  if (std::optional<MissedReason> Why =
          Rewriter.decide(D.Run, D.Plan, Block, RunEnd)) {
    D.Missed = std::move(Why);
    return D;
  }
  Rewrite R;
  R.Begin = Rewriter.begin();
  R.End = Rewriter.end();
  R.DiagLoc = D.Run.front().S->getBeginLoc();
  R.Text = Rewriter.render();
  R.Statements = static_cast<unsigned>(D.Run.size());
  R.Branches = Rewriter.branches();
  D.Fix = std::move(R);
  return D;
}

} // namespace kara
