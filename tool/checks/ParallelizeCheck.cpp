//===- ParallelizeCheck.cpp - kara-parallelize ----------------------------===//

#include "ParallelizeCheck.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/TypeLoc.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/Preprocessor.h"

#include <set>

using namespace clang;
using namespace clang::ast_matchers;

namespace kara {

namespace {

/// Variables referenced (and captured by lambdas) in some statements.
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
        if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar()))
          Captured.insert(V->getCanonicalDecl());
    return true;
  }
  std::set<const VarDecl *> Referenced, Captured;
};

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
  case Target::Kind::Resource:
    return E.str();
  }
  return E.str();
}

std::string describeDependence(const Dependence &D) {
  if (D.DependenceKind == Dependence::Kind::Exception)
    return "that statement may throw and this one " +
           effectPhrase(*D.LaterEffect) +
           " (kara-parallelize.StrictExceptionOrder keeps it after)";
  if (D.DependenceKind == Dependence::Kind::ExceptionAfterWrite)
    return "this statement may throw and that one " +
           effectPhrase(*D.EarlierEffect) +
           " (kara-parallelize.StrictExceptionOrder keeps it after)";
  return "this statement " + effectPhrase(*D.LaterEffect) + " and that one " +
         effectPhrase(*D.EarlierEffect);
}

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

/// A class whose destruction may be observable (a user-provided destructor
/// outside namespace std, in the type, its bases, members or, for std
/// templates such as containers and smart pointers, their type arguments).
/// Moving the declaration into a branch changes when and in which order such
/// objects are destroyed, so those declarations are not rewritten.
const CXXRecordDecl *observableDestructor(QualType T, unsigned Depth = 0) {
  if (Depth > 8 || T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  while (const ArrayType *AT = T->getAsArrayTypeUnsafe())
    T = AT->getElementType();
  if (T->isPointerType())
    return nullptr;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || RD->hasTrivialDestructor())
    return nullptr;
  if (RD->isInStdNamespace()) {
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
      for (const TemplateArgument &A : Spec->getTemplateArgs().asArray())
        if (A.getKind() == TemplateArgument::Type)
          if (const CXXRecordDecl *Inner =
                  observableDestructor(A.getAsType(), Depth + 1))
            return Inner;
    return nullptr;
  }
  if (const CXXDestructorDecl *D = RD->getDestructor())
    if (D->isUserProvided())
      return RD;
  for (const CXXBaseSpecifier &B : RD->bases())
    if (const CXXRecordDecl *Inner =
            observableDestructor(B.getType(), Depth + 1))
      return Inner;
  for (const FieldDecl *F : RD->fields())
    if (const CXXRecordDecl *Inner =
            observableDestructor(F->getType(), Depth + 1))
      return Inner;
  return nullptr;
}

/// How a declaration that a branch exports is returned from it.
struct Export {
  const VarDecl *Var = nullptr;
  std::string TypeText; // empty: deduced (`auto`)
  bool Const = false;
};

} // namespace

ParallelizeCheck::ParallelizeCheck(StringRef Name,
                                   tidy::ClangTidyContext *Context)
    : KaraCheckBase(Name, Context),
      StrictExceptionOrder(boolOption("StrictExceptionOrder", true)),
      ExplainMissed(boolOption("ExplainMissed", false)),
      Inserter(Options.getLocalOrGlobal("IncludeStyle",
                                        tidy::utils::IncludeSorter::IS_LLVM),
               areDiagsSelfContained()) {}

void ParallelizeCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  KaraCheckBase::storeOptions(Opts);
  Options.store(Opts, "StrictExceptionOrder", boolText(StrictExceptionOrder));
  Options.store(Opts, "ExplainMissed", boolText(ExplainMissed));
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
/// The compound statements of a function body, each with the function it
/// runs in: lambda bodies run in the lambda's call operator.
class BlockCollector : public RecursiveASTVisitor<BlockCollector> {
public:
  explicit BlockCollector(const FunctionDecl *Fn) : Context(Fn) {}
  bool shouldVisitLambdaBody() const { return false; }
  bool TraverseLambdaExpr(LambdaExpr *LE) {
    for (Expr *Init : LE->capture_inits())
      TraverseStmt(Init);
    const FunctionDecl *Outer = Context;
    Context = LE->getCallOperator();
    TraverseStmt(LE->getBody());
    Context = Outer;
    return true;
  }
  // Local classes' member functions are matched on their own.
  bool TraverseCXXRecordDecl(CXXRecordDecl *) { return true; }
  bool VisitCompoundStmt(CompoundStmt *CS) {
    Blocks.emplace_back(CS, Context);
    return true;
  }
  std::vector<std::pair<const CompoundStmt *, const FunctionDecl *>> Blocks;

private:
  const FunctionDecl *Context;
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
  bool Instantiation = FD->isTemplateInstantiation() ||
                       FD->getTemplateInstantiationPattern() != nullptr;
  EndSM = &SM;
  EffectAnalysis &Effects = analysis(*Result.Context);
  DependenceAnalysis Deps(Effects, StrictExceptionOrder);
  BlockCollector Collector(FD);
  Collector.TraverseStmt(FD->getBody());
  CurrentAST = Result.Context;
  for (auto [Block, Context] : Collector.Blocks) {
    if (Block->size() < 2 || Block->getBeginLoc().isMacroID())
      continue;
    std::vector<Rewrite> Rewrites =
        planBlock(Block, Context, Deps, SM, Instantiation);
    if (!Instantiation) {
      for (const Rewrite &R : Rewrites)
        emit(R, SM);
      continue;
    }
    TemplateBlocks[Block->getBeginLoc().getRawEncoding()]
        .PerInstantiation.push_back(std::move(Rewrites));
  }
}

std::vector<ParallelizeCheck::Rewrite> ParallelizeCheck::planBlock(
    const CompoundStmt *Block, const FunctionDecl *Context,
    DependenceAnalysis &Deps, const SourceManager &SM, bool Instantiation) {
  std::vector<StatementInfo> Infos;
  for (const Stmt *S : Block->body())
    Infos.push_back(Deps.describe(S, Context));
  std::vector<Rewrite> Rewrites;
  for (auto [First, Last] : DependenceAnalysis::candidateRuns(Infos))
    if (std::optional<Rewrite> R =
            planRun(std::vector<StatementInfo>(Infos.begin() + First,
                                               Infos.begin() + Last + 1),
                    Block, Last, Deps, SM, Instantiation))
      Rewrites.push_back(std::move(*R));
  return Rewrites;
}

void ParallelizeCheck::onEndOfTranslationUnit() {
  // A block inside a template is rewritten when every instantiation plans
  // the same rewrite; the rewrite's text comes from the shared source.
  for (auto &[Key, Block] : TemplateBlocks) {
    const std::vector<Rewrite> &First = Block.PerInstantiation.front();
    bool Agree =
        llvm::all_of(Block.PerInstantiation,
                     [&](const std::vector<Rewrite> &R) { return R == First; });
    if (Agree && EndSM)
      for (const Rewrite &R : First)
        emit(R, *EndSM);
  }
  TemplateBlocks.clear();
}

void ParallelizeCheck::emit(const Rewrite &R, const SourceManager &SM) {
  auto Diag = diag(R.DiagLoc, "%0 statements can run in parallel as %1 "
                              "branches of kara::par")
              << R.Statements << R.Branches;
  Diag << FixItHint::CreateReplacement(
      CharSourceRange::getCharRange(R.Begin, R.End), R.Text);
  if (std::optional<FixItHint> Include = Inserter.createIncludeInsertion(
          SM.getFileID(R.Begin), "<kara/runtime.hpp>"))
    Diag << *Include;
}

void ParallelizeCheck::explainMissed(const std::vector<StatementInfo> &Run,
                                     const RunPlan &Plan,
                                     const std::string &Why) {
  if (!ExplainMissed)
    return;
  diag(Run.front().S->getBeginLoc(),
       "%0 statements calling kara-annotated functions were not "
       "parallelized%1")
      << static_cast<unsigned>(Run.size())
      << (Why.empty() ? std::string() : ": " + Why);
  explainDependences(Run, Plan, /*OnlyDeferred=*/false);
}

void ParallelizeCheck::explainDeferred(const std::vector<StatementInfo> &Run,
                                       const RunPlan &Plan) {
  if (!ExplainMissed || Plan.Deferred.empty())
    return;
  diag(Run[Plan.Deferred.front()].S->getBeginLoc(),
       "%0 of %1 statements stay after kara::par: each depends on statements "
       "of several branches")
      << static_cast<unsigned>(Plan.Deferred.size())
      << static_cast<unsigned>(Run.size());
  explainDependences(Run, Plan, /*OnlyDeferred=*/true);
}

void ParallelizeCheck::explainDependences(const std::vector<StatementInfo> &Run,
                                          const RunPlan &Plan,
                                          bool OnlyDeferred) {
  unsigned Notes = 0;
  for (const Dependence &D : Plan.Dependences) {
    if (OnlyDeferred && !llvm::is_contained(Plan.Deferred, D.Later))
      continue;
    if (Notes++ == 6)
      break;
    SourceLocation Earlier = Run[D.Earlier].S->getBeginLoc();
    diag(Run[D.Later].S->getBeginLoc(),
         "this statement must follow the one at line %0: %1",
         DiagnosticIDs::Note)
        << CurrentSM->getSpellingLineNumber(Earlier) << describeDependence(D);
  }
}

namespace {

/// Builds the replacement text of one run, or says why it cannot.
class RunRewriter {
public:
  RunRewriter(const SourceManager &SM, const ASTContext &Context,
              const DependenceAnalysis &Deps, bool CopyScalars)
      : SM(SM), LO(Context.getLangOpts()), Context(Context), Deps(Deps),
        CopyScalars(CopyScalars) {}

  /// On success returns the text replacing [Pieces.front().Begin,
  /// Pieces.back().End); on failure returns nullopt and sets `Failure`.
  /// `Plan` is the run's plan; statements it defers are planned again into
  /// further par blocks.
  std::optional<std::string> rewrite(const std::vector<StatementInfo> &Run,
                                     RunPlan Plan, const CompoundStmt *Block,
                                     unsigned RunEnd, unsigned &Branches) {
    if (!collectPieces(Run))
      return std::nullopt;
    // Variables declared anywhere in the run may become structured
    // bindings, which C++17 cannot capture: branches never copy them.
    DeclaredInRun.clear();
    for (const StatementInfo &Info : Run)
      DeclaredInRun.insert(DeclaredInRun.end(), Info.Declares.begin(),
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

    std::vector<unsigned> Remaining(Run.size());
    for (unsigned I = 0; I < Run.size(); ++I)
      Remaining[I] = I;
    std::vector<std::string> Blocks;
    Branches = 0;
    while (true) {
      if (!Plan.parallelizes()) {
        for (unsigned I : Remaining)
          Blocks.push_back(pieceLines(Pieces[I], ""));
        break;
      }
      // What later segments and the code after the run use.
      ReferenceFinder Later = After;
      for (unsigned D : Plan.Deferred)
        Later.TraverseStmt(const_cast<Stmt *>(Run[Remaining[D]].S));
      std::vector<std::vector<unsigned>> Chains;
      for (const auto &Chain : Plan.Chains) {
        Chains.emplace_back();
        for (unsigned I : Chain)
          Chains.back().push_back(Remaining[I]);
      }
      std::optional<std::string> Par = parBlock(Run, Chains, Later);
      if (!Par)
        return std::nullopt;
      Blocks.push_back(*Par);
      Branches += Chains.size();
      std::vector<unsigned> Next;
      for (unsigned D : Plan.Deferred)
        Next.push_back(Remaining[D]);
      Remaining = std::move(Next);
      if (Remaining.empty())
        break;
      std::vector<StatementInfo> Deferred;
      for (unsigned I : Remaining)
        Deferred.push_back(Run[I]);
      Plan = Deps.plan(Deferred);
    }
    std::string Out;
    for (unsigned I = 0; I < Blocks.size(); ++I) {
      if (I)
        Out += "\n" + Indent;
      Out += Blocks[I];
    }
    return Out;
  }

  SourceLocation begin() const { return Pieces.front().Begin; }
  SourceLocation end() const { return Pieces.back().End; }
  std::string Failure;

private:
  bool fail(std::string Why) {
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
        return fail("a statement is inside a macro expansion");
      if (isa<Expr>(Info.S)) {
        std::optional<Token> Semi = Lexer::findNextToken(Last, SM, LO);
        if (!Semi || Semi->isNot(tok::semi))
          return fail("a statement's end could not be found");
        Last = Semi->getLocation();
      }
      SourceLocation StmtEnd = Lexer::getLocForEndOfToken(Last, 0, SM, LO);
      bool Invalid = false;
      P.Text =
          Lexer::getSourceText(CharSourceRange::getCharRange(Begin, StmtEnd),
                               SM, LO, &Invalid)
              .str();
      if (Invalid || P.Text.empty())
        return fail("a statement's source text could not be read");
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
        return fail("another statement or comment shares a line with a "
                    "statement of the run");
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
            return fail("something other than comments stands between the "
                        "statements");
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
      return fail("a reference declaration that is not an lvalue reference "
                  "initialised with '=' is not rewritten"),
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
      return fail("'" + V->getNameAsString() +
                  "' extends the lifetime of a temporary, which would end "
                  "inside a branch"),
             std::nullopt;
    // The type as written, from the declaration's start: a qualifier such as
    // `const` lies outside the type location's own range.
    SourceRange R(
        V->getBeginLoc(),
        V->getTypeSourceInfo()->getTypeLoc().getSourceRange().getEnd());
    if (R.isInvalid() || R.getBegin().isMacroID() || R.getEnd().isMacroID())
      return fail("the type of a declaration could not be spelt"), std::nullopt;
    Export E;
    E.Var = V;
    E.TypeText =
        Lexer::getSourceText(CharSourceRange::getTokenRange(R), SM, LO).str();
    if (E.TypeText.empty() || E.TypeText.find("decltype") != std::string::npos)
      return fail("the type of a declaration could not be spelt"), std::nullopt;
    return E;
  }

  std::optional<Export> exportOf(const VarDecl *V) {
    Export E;
    E.Var = V;
    QualType T = V->getType();
    if (T->isReferenceType())
      return referenceExport(V);
    if (T->isArrayType() || T->isFunctionPointerType())
      return fail("an array or function-pointer declaration cannot be "
                  "returned from a branch"),
             std::nullopt;
    if (isa<DecompositionDecl>(V))
      return fail("a structured binding would have to be returned from a "
                  "branch"),
             std::nullopt;
    E.Const = T.isConstQualified();
    if (const AutoType *Auto = T->getContainedAutoType()) {
      if (Auto->isDecltypeAuto())
        return fail("'decltype(auto)' declarations are not rewritten"),
               std::nullopt;
      if (V->getInitStyle() != VarDecl::CInit)
        return fail("an 'auto' declaration with direct initialization is "
                    "not rewritten"),
               std::nullopt;
      return E;
    }
    TypeLoc TL = V->getTypeSourceInfo()->getTypeLoc();
    if (auto Qualified = TL.getAs<QualifiedTypeLoc>())
      TL = Qualified.getUnqualifiedLoc();
    SourceRange R = TL.getSourceRange();
    if (R.isInvalid() || R.getBegin().isMacroID() || R.getEnd().isMacroID())
      return fail("the type of a declaration could not be spelt"), std::nullopt;
    E.TypeText =
        Lexer::getSourceText(CharSourceRange::getTokenRange(R), SM, LO).str();
    if (E.TypeText.empty() || E.TypeText.find("const") == 0)
      return fail("the type of a declaration could not be spelt"), std::nullopt;
    if (const CXXRecordDecl *RD = T->getAsCXXRecordDecl()) {
      bool Movable = !RD->hasDefinition() ||
                     RD->needsImplicitCopyConstructor() ||
                     RD->needsImplicitMoveConstructor();
      if (RD->hasDefinition())
        for (const CXXConstructorDecl *C : RD->ctors())
          if (C->isCopyOrMoveConstructor() && !C->isDeleted())
            Movable = true;
      if (!Movable)
        return fail("'" + E.TypeText +
                    "' can be neither copied nor moved "
                    "out of a branch"),
               std::nullopt;
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

  /// One branch: its lambda, and the variable it returns, if any.
  std::optional<std::string> branch(const std::vector<StatementInfo> &Run,
                                    const std::vector<unsigned> &Chain,
                                    const std::optional<Export> &Exported) {
    std::string Inner = Indent + "      ";
    std::vector<std::string> Lines; // body lines, without indentation
    bool HasComments = false;
    for (unsigned K = 0; K < Chain.size(); ++K) {
      const Piece &P = Pieces[Chain[K]];
      for (const std::string &L : P.Leading) {
        Lines.push_back(L);
        HasComments = true;
      }
      bool Last = K + 1 == Chain.size();
      std::string Text;
      if (Exported && Last &&
          llvm::is_contained(Run[Chain[K]].Declares, Exported->Var)) {
        std::optional<std::string> Value = returnValueOf(P, *Exported);
        if (!Value) {
          Failure = "the initializer of '" + Exported->Var->getNameAsString() +
                    "' could not be moved";
          return std::nullopt;
        }
        Text = "return " + reindent(*Value, P.Column, Inner) + ";";
      } else {
        Text = reindent(P.Text, P.Column, Inner);
      }
      if (!P.Trailing.empty()) {
        Text += " " + P.Trailing;
        HasComments = true;
      }
      Lines.push_back(Text);
    }
    if (Exported &&
        !llvm::is_contained(Run[Chain.back()].Declares, Exported->Var))
      Lines.push_back("return " + Exported->Var->getNameAsString() + ";");

    std::string Head = "[&" + copiedScalars(Run, Chain) + "]";
    if (Exported && !Exported->TypeText.empty())
      Head += "() -> " + Exported->TypeText;
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
  /// writes them while the par runs: such a write would be a dependence.
  std::string copiedScalars(const std::vector<StatementInfo> &Run,
                            const std::vector<unsigned> &Chain) {
    if (!CopyScalars)
      return "";
    std::vector<const Stmt *> Statements;
    for (unsigned I : Chain)
      Statements.push_back(Run[I].S);
    std::string Out;
    for (const VarDecl *V :
         readOnlyScalarLocals(Statements, DeclaredInRun, Context))
      Out += ", " + V->getNameAsString();
    return Out;
  }

  std::optional<std::string>
  parBlock(const std::vector<StatementInfo> &Run,
           const std::vector<std::vector<unsigned>> &Chains,
           const ReferenceFinder &Later) {
    std::vector<std::optional<Export>> Exports;
    std::vector<std::string> Names;
    std::optional<bool> Const;
    for (const auto &Chain : Chains)
      for (unsigned I : Chain)
        for (const VarDecl *V : Run[I].Declares)
          if (const CXXRecordDecl *RD = observableDestructor(V->getType())) {
            Failure = "'" + V->getNameAsString() +
                      "' has a type with a "
                      "user-provided destructor ('" +
                      RD->getNameAsString() +
                      "'), and moving it into a branch would change when it "
                      "is destroyed";
            return std::nullopt;
          }
    for (const auto &Chain : Chains) {
      std::vector<const VarDecl *> Used;
      for (unsigned I : Chain)
        for (const VarDecl *V : Run[I].Declares)
          if (Later.Referenced.count(V))
            Used.push_back(V);
      if (Used.size() > 1) {
        Failure = "a branch would have to return several variables ('" +
                  Used[0]->getNameAsString() + "', '" +
                  Used[1]->getNameAsString() + "') used after it";
        return std::nullopt;
      }
      if (Used.empty()) {
        Exports.emplace_back();
        continue;
      }
      std::optional<Export> E = exportOf(Used.front());
      if (!E)
        return std::nullopt;
      if (Const && *Const != E->Const) {
        Failure = "the variables declared by the branches differ in "
                  "constness";
        return std::nullopt;
      }
      if (!LO.CPlusPlus20 && Later.Captured.count(E->Var)) {
        Failure = "'" + E->Var->getNameAsString() +
                  "' is captured by a lambda later, which C++17 does not "
                  "allow for structured bindings";
        return std::nullopt;
      }
      Const = E->Const;
      Names.push_back(E->Var->getNameAsString());
      Exports.push_back(E);
    }
    std::string Out;
    if (!Names.empty()) {
      Out += Const.value_or(false) ? "const auto [" : "auto [";
      for (unsigned I = 0; I < Names.size(); ++I)
        Out += (I ? ", " : "") + Names[I];
      Out += "] = ";
    }
    Out += "kara::par(";
    for (unsigned I = 0; I < Chains.size(); ++I) {
      std::optional<std::string> B = branch(Run, Chains[I], Exports[I]);
      if (!B)
        return std::nullopt;
      Out +=
          "\n" + Indent + "    " + *B + (I + 1 == Chains.size() ? ");" : ",");
    }
    return Out;
  }

  const SourceManager &SM;
  const LangOptions &LO;
  const ASTContext &Context;
  const DependenceAnalysis &Deps;
  bool CopyScalars;
  std::vector<const VarDecl *> DeclaredInRun;
  std::vector<Piece> Pieces;
  std::string Indent;
};

} // namespace

std::optional<ParallelizeCheck::Rewrite>
ParallelizeCheck::planRun(const std::vector<StatementInfo> &Run,
                          const CompoundStmt *Block, unsigned RunEnd,
                          DependenceAnalysis &Deps, const SourceManager &SM,
                          bool Instantiation) {
  // Instantiations explain once, through the pattern.
  const bool Explain = !Instantiation;
  CurrentSM = &SM;
  RunPlan Plan = Deps.plan(Run);
  if (!Plan.parallelizes()) {
    if (Explain)
      explainMissed(Run, Plan, "");
    return std::nullopt;
  }
  RunRewriter Rewriter(SM, *CurrentAST, Deps,
                       /*CopyScalars=*/!Instantiation);
  unsigned Branches = 0;
  std::optional<std::string> Text =
      Rewriter.rewrite(Run, Plan, Block, RunEnd, Branches);
  if (!Text) {
    if (Explain)
      explainMissed(Run, Plan, Rewriter.Failure);
    return std::nullopt;
  }
  if (Explain && !Plan.Deferred.empty())
    explainDeferred(Run, Plan);
  Rewrite R;
  R.Begin = Rewriter.begin();
  R.End = Rewriter.end();
  R.DiagLoc = Run.front().S->getBeginLoc();
  R.Text = std::move(*Text);
  R.Statements = static_cast<unsigned>(Run.size());
  R.Branches = Branches;
  return R;
}

} // namespace kara
