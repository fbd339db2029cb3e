//===- Dependence.cpp - Which statements may run in parallel --------------===//

#include "kara/Analysis/Dependence.h"

#include "kara/Analysis/Annotations.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <algorithm>
#include <set>

using namespace clang;

namespace kara {

namespace {

/// Finds what a statement contains: calls to annotated functions, calls
/// that may throw, and constructs that forbid moving it into a branch.
class StatementScanner : public RecursiveASTVisitor<StatementScanner> {
public:
  bool CallsAnnotated = false;
  bool MayThrow = false;
  std::string Blocker;

  bool TraverseLambdaExpr(LambdaExpr *LE) {
    // The body runs when the closure is called: only captures count here.
    for (Expr *Init : LE->capture_inits())
      TraverseStmt(Init);
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *) { return block("'return'"); }
  bool VisitBreakStmt(BreakStmt *) { return block("'break'"); }
  bool VisitContinueStmt(ContinueStmt *) { return block("'continue'"); }
  bool VisitGotoStmt(GotoStmt *) { return block("'goto'"); }
  bool VisitIndirectGotoStmt(IndirectGotoStmt *) { return block("'goto'"); }
  bool VisitLabelStmt(LabelStmt *) { return block("a label"); }
  bool VisitCoawaitExpr(CoawaitExpr *) { return block("'co_await'"); }
  bool VisitDependentCoawaitExpr(DependentCoawaitExpr *) {
    return block("'co_await'");
  }
  bool VisitCoyieldExpr(CoyieldExpr *) { return block("'co_yield'"); }
  bool VisitCoreturnStmt(CoreturnStmt *) { return block("'co_return'"); }
  bool VisitCXXThrowExpr(CXXThrowExpr *) {
    MayThrow = true;
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (Callee && declaredEffects(Callee))
      CallsAnnotated = true;
    noteCallee(Callee, CE->getCallee()->getType());
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    noteCallee(CE->getConstructor(), QualType());
    if (declaredEffects(CE->getConstructor()))
      CallsAnnotated = true;
    return true;
  }
  bool VisitCXXNewExpr(CXXNewExpr *NE) {
    if (const FunctionDecl *New = NE->getOperatorNew())
      noteCallee(New, QualType());
    return true;
  }

private:
  bool block(const std::string &What) {
    if (Blocker.empty())
      Blocker = "it contains " + What;
    return true;
  }
  void noteCallee(const FunctionDecl *Callee, QualType CalleeType) {
    const FunctionProtoType *Proto = nullptr;
    if (Callee)
      Proto = Callee->getType()->getAs<FunctionProtoType>();
    else if (!CalleeType.isNull()) {
      QualType T = CalleeType;
      if (T->isPointerType() || T->isReferenceType())
        T = T->getPointeeType();
      Proto = T->getAs<FunctionProtoType>();
    }
    if (!Proto || !Proto->isNothrow())
      MayThrow = true;
  }
};

bool inMacro(const Stmt *S) {
  return S->getBeginLoc().isMacroID() || S->getEndLoc().isMacroID();
}

/// For readOnlyScalarLocals: every variable the statements mention, and
/// whether each mention only loads its value.
class LoadFinder : public RecursiveASTVisitor<LoadFinder> {
public:
  bool VisitImplicitCastExpr(ImplicitCastExpr *E) {
    if (E->getCastKind() == CK_LValueToRValue)
      if (const auto *DRE =
              dyn_cast<DeclRefExpr>(E->getSubExpr()->IgnoreParens()))
        Loads.insert(DRE);
    return true;
  }
  // Pre-order: the cast above is visited before the reference it loads.
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
    if (!V)
      return true;
    bool OnlyLoads = Loads.count(DRE) &&
                     !DRE->refersToEnclosingVariableOrCapture() &&
                     DRE->isNonOdrUse() == NOUR_None;
    auto [It, New] = OnlyLoaded.try_emplace(V->getCanonicalDecl(), OnlyLoads);
    if (!OnlyLoads)
      It->second = false;
    return true;
  }
  // Every declaration inside the statements, nested lambdas' parameters too.
  bool VisitVarDecl(VarDecl *V) {
    Declared.insert(V->getCanonicalDecl());
    return true;
  }

  llvm::SmallPtrSet<const DeclRefExpr *, 16> Loads;
  llvm::DenseMap<const VarDecl *, bool> OnlyLoaded;
  llvm::SmallPtrSet<const VarDecl *, 8> Declared;
};

} // namespace

std::vector<const VarDecl *>
readOnlyScalarLocals(llvm::ArrayRef<const Stmt *> Statements,
                     llvm::ArrayRef<const VarDecl *> Excluded,
                     const ASTContext &Context) {
  LoadFinder Finder;
  for (const Stmt *S : Statements)
    Finder.TraverseStmt(const_cast<Stmt *>(S));
  std::vector<const VarDecl *> Result;
  for (auto [V, OnlyLoaded] : Finder.OnlyLoaded) {
    if (!OnlyLoaded || Finder.Declared.count(V) || !V->hasLocalStorage() ||
        llvm::any_of(Excluded, [&](const VarDecl *E) {
          return E->getCanonicalDecl() == V;
        }))
      continue;
    QualType T = V->getType();
    // Arithmetic and enum only: a copied pointer would be a by-value capture
    // that kara-sendable rejects (it cannot see that the pointee is shared
    // exactly as before).
    if (!(T->isArithmeticType() || T->isEnumeralType()) ||
        T.isVolatileQualified() || T->isDependentType() ||
        V->isUsableInConstantExpressions(Context))
      continue;
    Result.push_back(V);
  }
  llvm::sort(Result, [](const VarDecl *A, const VarDecl *B) {
    return A->getName() < B->getName();
  });
  return Result;
}

std::optional<Effect> StatementInfo::firstOutsideWrite() const {
  for (const Effect &E : Effects) {
    if (!E.isWrite())
      continue;
    if (E.On.TargetKind == Target::Kind::Local &&
        std::find(Declares.begin(), Declares.end(), E.On.Object) !=
            Declares.end())
      continue;
    return E;
  }
  return std::nullopt;
}

StatementInfo DependenceAnalysis::describe(const Stmt *S,
                                           const FunctionDecl *Context) {
  StatementInfo Info;
  Info.S = S;
  const auto *DS = dyn_cast<DeclStmt>(S);
  if (!isa<Expr>(S) && !DS) {
    Info.Blocker = "it is not an expression statement or a declaration";
    return Info;
  }
  if (DS) {
    for (const Decl *D : DS->decls()) {
      const auto *V = dyn_cast<VarDecl>(D);
      if (!V || !V->hasInit() || !V->hasLocalStorage()) {
        Info.Blocker = "it declares something other than local variables "
                       "with initializers";
        return Info;
      }
      Info.Declares.push_back(V->getCanonicalDecl());
    }
  }
  if (inMacro(S)) {
    Info.Blocker = "it is inside a macro expansion";
    return Info;
  }
  StatementScanner Scanner;
  Scanner.TraverseStmt(const_cast<Stmt *>(S));
  Info.CallsAnnotated = Scanner.CallsAnnotated;
  Info.MayThrow = Scanner.MayThrow;
  Info.Blocker = Scanner.Blocker;
  if (!Info.isCandidate())
    return Info;

  Info.Entries = Effects.statementEffects(S, Context);
  for (const EffectEntry &E : Info.Entries)
    Info.Effects.add(E.E);
  for (const VarDecl *V : Info.Declares) {
    Effect Decl = Effect::write(Target::local(V, V->getNameAsString()));
    Reason Why;
    Why.ReasonKind = Reason::Kind::Access;
    Why.Loc = V->getLocation();
    Why.Detail = "declares '" + V->getNameAsString() + "'";
    if (Info.Effects.add(Decl))
      Info.Entries.push_back({Decl, Why});
  }
  return Info;
}

std::optional<Dependence>
DependenceAnalysis::dependence(const StatementInfo &Earlier,
                               const StatementInfo &Later) const {
  if (auto Pair = Earlier.Effects.firstConflict(Later.Effects)) {
    Dependence D;
    D.DependenceKind = Dependence::Kind::Conflict;
    D.EarlierEffect = Pair->first;
    D.LaterEffect = Pair->second;
    return D;
  }
  if (StrictExceptionOrder && Earlier.MayThrow)
    if (std::optional<Effect> Write = Later.firstOutsideWrite()) {
      Dependence D;
      D.DependenceKind = Dependence::Kind::Exception;
      D.LaterEffect = Write;
      return D;
    }
  // The reverse: sequential code completes the earlier write before the
  // later statement throws. In a parallel block the write could be skipped:
  // a deferred statement never runs once the block has thrown, and a branch
  // other than the first is not started once a sibling has failed.
  if (StrictExceptionOrder && Later.MayThrow)
    if (std::optional<Effect> Write = Earlier.firstOutsideWrite()) {
      Dependence D;
      D.DependenceKind = Dependence::Kind::ExceptionAfterWrite;
      D.EarlierEffect = Write;
      return D;
    }
  return std::nullopt;
}

RunPlan DependenceAnalysis::plan(const std::vector<StatementInfo> &Run) const {
  RunPlan Plan;
  std::vector<int> ChainOf(Run.size(), -1); // -1: deferred
  for (unsigned Later = 0; Later < Run.size(); ++Later) {
    std::set<int> DependsOnChains;
    bool DependsOnDeferred = false;
    for (unsigned Earlier = 0; Earlier < Later; ++Earlier) {
      std::optional<Dependence> D = dependence(Run[Earlier], Run[Later]);
      if (!D)
        continue;
      // Branch 0 always starts and runs to its end even when a sibling
      // throws, so a write there is never lost to a later statement's throw.
      if (D->DependenceKind == Dependence::Kind::ExceptionAfterWrite &&
          ChainOf[Earlier] == 0)
        continue;
      D->Earlier = Earlier;
      D->Later = Later;
      Plan.Dependences.push_back(*D);
      if (ChainOf[Earlier] < 0)
        DependsOnDeferred = true;
      else
        DependsOnChains.insert(ChainOf[Earlier]);
    }
    if (DependsOnDeferred || DependsOnChains.size() > 1) {
      Plan.Deferred.push_back(Later);
      continue;
    }
    if (DependsOnChains.empty()) {
      ChainOf[Later] = static_cast<int>(Plan.Chains.size());
      Plan.Chains.push_back({Later});
    } else {
      ChainOf[Later] = *DependsOnChains.begin();
      Plan.Chains[ChainOf[Later]].push_back(Later);
    }
  }
  return Plan;
}

std::vector<std::pair<unsigned, unsigned>> DependenceAnalysis::candidateRuns(
    const std::vector<StatementInfo> &Statements) {
  std::vector<std::pair<unsigned, unsigned>> Runs;
  unsigned I = 0;
  while (I < Statements.size()) {
    if (!Statements[I].isCandidate()) {
      ++I;
      continue;
    }
    unsigned First = I;
    while (I < Statements.size() && Statements[I].isCandidate())
      ++I;
    if (I - First >= 2)
      Runs.emplace_back(First, I - 1);
  }
  return Runs;
}

} // namespace kara
