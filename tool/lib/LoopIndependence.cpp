//===- LoopIndependence.cpp - Loops whose iterations are independent -----===//

#include "kara/Analysis/LoopIndependence.h"

#include "kara/Analysis/Annotations.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace kara {

bool isKaraParallelCall(const FunctionDecl *Callee) {
  if (!Callee || !Callee->getIdentifier())
    return false;
  const auto *NS = dyn_cast<NamespaceDecl>(Callee->getDeclContext());
  if (!NS || NS->getName() != "kara" ||
      !isa<TranslationUnitDecl>(NS->getDeclContext()))
    return false;
  StringRef N = Callee->getName();
  return N == "par" || N == "for_each" || N == "for_each_index" ||
         N == "reduce" || N == "reduce_index";
}

namespace {

const VarDecl *refVar(const Expr *E) {
  if (!E)
    return nullptr;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
    if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
      return V->getCanonicalDecl();
  return nullptr;
}

bool isIndexType(QualType T) {
  return T->isIntegerType() && !T->isBooleanType() && !T->isEnumeralType() &&
         !T.isVolatileQualified() && !T.isConstQualified();
}

/// A counted loop `for (T i = a; i < b; ++i)` (or `i != b`, `i++`,
/// `i += 1`): its index, first and bound.
struct Counted {
  const VarDecl *Index = nullptr;
  const Expr *First = nullptr, *Last = nullptr;
  const BinaryOperator *Cond = nullptr;
};

std::optional<Counted> countedLoop(const ForStmt *FS) {
  const auto *Init = dyn_cast_or_null<DeclStmt>(FS->getInit());
  if (!Init || !Init->isSingleDecl() || FS->getConditionVariable())
    return std::nullopt;
  const auto *V = dyn_cast<VarDecl>(Init->getSingleDecl());
  if (!V || !V->getInit() || !isIndexType(V->getType()))
    return std::nullopt;
  const auto *Cond =
      dyn_cast_or_null<BinaryOperator>(FS->getCond()->IgnoreParens());
  if (!Cond || (Cond->getOpcode() != BO_LT && Cond->getOpcode() != BO_NE) ||
      refVar(Cond->getLHS()) != V->getCanonicalDecl())
    return std::nullopt;
  const Expr *Inc = FS->getInc() ? FS->getInc()->IgnoreParens() : nullptr;
  bool Step = false;
  if (const auto *UO = dyn_cast_or_null<UnaryOperator>(Inc))
    Step = UO->isIncrementOp() &&
           refVar(UO->getSubExpr()) == V->getCanonicalDecl();
  if (const auto *CA = dyn_cast_or_null<CompoundAssignOperator>(Inc))
    if (CA->getOpcode() == BO_AddAssign &&
        refVar(CA->getLHS()) == V->getCanonicalDecl())
      if (const auto *IL =
              dyn_cast<IntegerLiteral>(CA->getRHS()->IgnoreParenImpCasts()))
        Step = IL->getValue() == 1;
  if (!Step)
    return std::nullopt;
  return Counted{V->getCanonicalDecl(), V->getInit(), Cond->getRHS(), Cond};
}

/// The element types kara::for_each gives each iteration its own element
/// of, and owned storage for `out[i]`: C arrays, std::vector (not <bool>),
/// std::array, std::deque, std::basic_string; views (span, string_view)
/// index into storage they do not own.
enum class Storage { None, Owned, View };
Storage storageOf(QualType T) {
  T = T.getNonReferenceType().getCanonicalType();
  if (isa<ConstantArrayType>(T.getTypePtr()))
    return Storage::Owned;
  const auto *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->isInStdNamespace() || !RD->getIdentifier())
    return Storage::None;
  StringRef N = RD->getName();
  if (N == "vector") {
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
      if (Spec->getTemplateArgs().size() > 0 &&
          Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type &&
          Spec->getTemplateArgs()[0].getAsType()->isBooleanType())
        return Storage::None; // bits share bytes: no element of its own
    return Storage::Owned;
  }
  if (N == "array" || N == "deque" || N == "basic_string")
    return Storage::Owned;
  if (N == "span" || N == "basic_string_view")
    return Storage::View;
  return Storage::None;
}

/// Everything the body does syntactically: control flow, the variables it
/// declares, designated subscripts and every other use of variables.
class BodyScanner : public RecursiveASTVisitor<BodyScanner> {
public:
  BodyScanner(const VarDecl *Index, EffectAnalysis &Effects,
              const FunctionDecl *Context)
      : Index(Index), Effects(Effects), Context(Context) {}

  std::optional<LoopBlocker> Control;
  std::vector<const ContinueStmt *> Continues;
  llvm::SmallPtrSet<const VarDecl *, 16> Own;
  /// Variables used as `v[index]` for a designated index, and every other
  /// use of each variable (the first).
  llvm::SmallPtrSet<const DeclRefExpr *, 16> Designated;
  std::vector<const DeclRefExpr *> Refs;
  std::vector<const UnaryOperator *> AddressOf;
  std::vector<const FunctionDecl *> Callees;
  bool InMacro = false;

  bool TraverseForStmt(ForStmt *S) {
    Enclosing.push_back(S);
    bool R = nested(S, true);
    Enclosing.pop_back();
    return R;
  }
  bool TraverseWhileStmt(WhileStmt *S) { return nested(S, true); }
  bool TraverseDoStmt(DoStmt *S) { return nested(S, true); }
  bool TraverseCXXForRangeStmt(CXXForRangeStmt *S) { return nested(S, true); }
  bool TraverseSwitchStmt(SwitchStmt *S) { return nested(S, false); }
  bool TraverseLambdaExpr(LambdaExpr *LE) {
    // Its control flow is its own; its uses of variables are the body's.
    ++LambdaDepth;
    bool R = RecursiveASTVisitor::TraverseLambdaExpr(LE);
    --LambdaDepth;
    return R;
  }

  bool VisitReturnStmt(ReturnStmt *S) { return control(S, "return"); }
  bool VisitGotoStmt(GotoStmt *S) { return control(S, "goto"); }
  bool VisitIndirectGotoStmt(IndirectGotoStmt *S) { return control(S, "goto"); }
  bool VisitLabelStmt(LabelStmt *S) { return control(S, "label"); }
  bool VisitCoawaitExpr(CoawaitExpr *S) { return control(S, "co_await"); }
  bool VisitCoyieldExpr(CoyieldExpr *S) { return control(S, "co_yield"); }
  bool VisitCoreturnStmt(CoreturnStmt *S) { return control(S, "co_return"); }
  bool VisitBreakStmt(BreakStmt *S) {
    if (LoopDepth == 0 && SwitchDepth == 0)
      return control(S, "break");
    return true;
  }
  bool VisitContinueStmt(ContinueStmt *S) {
    if (LoopDepth == 0 && LambdaDepth == 0) {
      if (S->getBeginLoc().isMacroID())
        InMacro = true;
      Continues.push_back(S);
    }
    return true;
  }
  bool VisitVarDecl(VarDecl *V) {
    if (V->hasLocalStorage())
      Own.insert(V->getCanonicalDecl());
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (isa<VarDecl>(DRE->getDecl()))
      Refs.push_back(DRE);
    return true;
  }
  bool VisitArraySubscriptExpr(ArraySubscriptExpr *ASE) {
    designate(ASE->getBase(), ASE->getIdx());
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *CE) {
    if (CE->getOperator() == OO_Subscript && CE->getNumArgs() == 2)
      designate(CE->getArg(0), CE->getArg(1));
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() == UO_AddrOf)
      AddressOf.push_back(UO);
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    if (const FunctionDecl *F = CE->getDirectCallee())
      Callees.push_back(F);
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    Callees.push_back(CE->getConstructor());
    return true;
  }

private:
  template <class S> bool nested(S *Stmt, bool IsLoop) {
    // A nested range-for's hidden variables are the iteration's own.
    if constexpr (std::is_same_v<S, CXXForRangeStmt>)
      for (const clang::Stmt *D :
           {Stmt->getRangeStmt(), Stmt->getBeginStmt(), Stmt->getEndStmt()})
        if (const auto *DS = dyn_cast_or_null<DeclStmt>(D))
          for (const Decl *X : DS->decls())
            if (const auto *V = dyn_cast<VarDecl>(X))
              Own.insert(V->getCanonicalDecl());
    (IsLoop ? LoopDepth : SwitchDepth)++;
    bool R = RecursiveASTVisitor::TraverseStmt(Stmt->getBody());
    (IsLoop ? LoopDepth : SwitchDepth)--;
    // The rest of the statement (init, condition, ...) belongs to the
    // enclosing level.
    for (clang::Stmt *Child : Stmt->children())
      if (Child && Child != Stmt->getBody())
        R = R && RecursiveASTVisitor::TraverseStmt(Child);
    if constexpr (std::is_same_v<S, ForStmt>)
      if (std::optional<Counted> C = countedLoop(Stmt))
        if (!writesIn(Stmt->getBody(), C->Index))
          Bounded.push_back({C->Index, C->Last});
    return R;
  }
  bool control(const Stmt *S, const char *What) {
    if (!Control && LambdaDepth == 0) {
      LoopBlocker B;
      B.BlockerKind = LoopBlocker::Kind::ControlFlow;
      B.At = S;
      B.Construct = What;
      Control = B;
    }
    return true;
  }
  bool writesIn(const Stmt *Body, const VarDecl *V) {
    for (const EffectEntry &E : Effects.statementEffects(Body, Context))
      if (E.E.isWrite() &&
          (E.E.On.mayBeAnyObject() ||
           (E.E.On.TargetKind == Target::Kind::Local && E.E.On.Object == V)))
        return true;
    return false;
  }
  /// Same stride: the same variable or the same integer literal.
  static bool sameStride(const Expr *A, const Expr *B) {
    A = A->IgnoreParenImpCasts();
    B = B->IgnoreParenImpCasts();
    if (const VarDecl *VA = refVar(A))
      return VA == refVar(B) && VA->getType()->isIntegerType();
    const auto *LA = dyn_cast<IntegerLiteral>(A);
    const auto *LB = dyn_cast<IntegerLiteral>(B);
    return LA && LB && LA->getValue() == LB->getValue();
  }
  /// `i`, or `i * w + j` (`w * i + j`, `j + i * w`) where `j` is the index
  /// of a counted loop from 0 to `w` inside the body that does not write it:
  /// distinct iterations of the loop over `i` designate distinct elements.
  bool designatedIndex(const Expr *Idx) {
    if (!Index)
      return false;
    Idx = Idx->IgnoreParenImpCasts();
    if (refVar(Idx) == Index)
      return true;
    const auto *Add = dyn_cast<BinaryOperator>(Idx);
    if (!Add || Add->getOpcode() != BO_Add)
      return false;
    for (int Side = 0; Side < 2; ++Side) {
      const Expr *MulE = (Side ? Add->getRHS() : Add->getLHS());
      const Expr *Inner = (Side ? Add->getLHS() : Add->getRHS());
      const auto *Mul = dyn_cast<BinaryOperator>(MulE->IgnoreParenImpCasts());
      const VarDecl *J = refVar(Inner);
      if (!Mul || Mul->getOpcode() != BO_Mul || !J)
        continue;
      const Expr *Stride = nullptr;
      if (refVar(Mul->getLHS()) == Index)
        Stride = Mul->getRHS();
      else if (refVar(Mul->getRHS()) == Index)
        Stride = Mul->getLHS();
      if (!Stride)
        continue;
      for (auto &[BJ, Bound] : Bounded)
        if (BJ == J && sameStride(Bound, Stride))
          if (const auto *Lit = dyn_cast<IntegerLiteral>(
                  BJ->getInit()->IgnoreParenImpCasts());
              Lit && Lit->getValue() == 0)
            return true;
      // The inner loop is visited after its body's subscripts: look it up
      // from the variable's declaration.
      if (const auto *JS = innerLoopOf(J))
        if (std::optional<Counted> C = countedLoop(JS))
          if (sameStride(C->Last, Stride) && !writesIn(JS->getBody(), J))
            if (const auto *Lit =
                    dyn_cast<IntegerLiteral>(C->First->IgnoreParenImpCasts());
                Lit && Lit->getValue() == 0)
              return true;
    }
    return false;
  }
  const ForStmt *innerLoopOf(const VarDecl *J) {
    for (const ForStmt *FS : Enclosing)
      if (const auto *DS = dyn_cast_or_null<DeclStmt>(FS->getInit()))
        if (DS->isSingleDecl() && DS->getSingleDecl() == J)
          return FS;
    return nullptr;
  }
  void designate(const Expr *Base, const Expr *Idx) {
    const auto *DRE = dyn_cast<DeclRefExpr>(Base->IgnoreParenImpCasts());
    if (DRE && isa<VarDecl>(DRE->getDecl()) && designatedIndex(Idx))
      Designated.insert(DRE);
  }

private:
  const VarDecl *Index;
  EffectAnalysis &Effects;
  const FunctionDecl *Context;
  unsigned LoopDepth = 0, SwitchDepth = 0, LambdaDepth = 0;
  std::vector<std::pair<const VarDecl *, const Expr *>> Bounded;
  std::vector<const ForStmt *> Enclosing;
};

/// True if a resource names a variable of the program (a global or static
/// member), which a reference parameter could refer to; annotation
/// resources are names of their own (SPEC §2).
bool resourceIsVariable(const Target &T, ASTContext &Ctx) {
  if (T.TargetKind != Target::Kind::Resource || T.Path.empty())
    return false;
  const DeclContext *DC = Ctx.getTranslationUnitDecl();
  for (unsigned I = 0; I < T.Path.size(); ++I) {
    IdentifierInfo &II = Ctx.Idents.get(T.Path[I]);
    const DeclContext *Next = nullptr;
    for (const NamedDecl *D : DC->lookup(&II)) {
      if (I + 1 == T.Path.size() && isa<VarDecl>(D))
        return true;
      if (const auto *Inner = dyn_cast<DeclContext>(D))
        Next = Inner;
    }
    if (!Next)
      return false;
    DC = Next;
  }
  return false;
}

bool isIO(const Target &T) {
  return T.TargetKind == Target::Kind::Resource && T.Path.size() >= 2 &&
         T.Path[0] == "kara" && T.Path[1] == "io";
}

/// The reduction a body is, if it is one: `acc += e;`, `acc *= e;`,
/// `acc = acc + e;`, `acc = acc * e;`, `acc = std::min(acc, e);`, `max`.
const Stmt *single(const Stmt *S) {
  if (const auto *CS = dyn_cast<CompoundStmt>(S))
    return CS->size() == 1 ? CS->body_front() : nullptr;
  return S;
}

void matchReduction(const Stmt *Body, LoopShape &Shape) {
  Body = single(Body);
  if (!Body)
    return;
  // `if (guard) acc += e;`: one `if` without else, init or variable.
  const Expr *Guard = nullptr;
  if (const auto *If = dyn_cast<IfStmt>(Body)) {
    if (If->getElse() || If->getInit() || If->getConditionVariable() ||
        If->isConsteval() || If->isConstexpr())
      return;
    Guard = If->getCond();
    Body = single(If->getThen());
    if (!Body)
      return;
  }
  const auto *E = dyn_cast<Expr>(Body);
  if (!E)
    return;
  E = E->IgnoreImplicit()->IgnoreParens();
  using Op = LoopShape::ReduceOp;
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    if (UO->isIncrementOp() && refVar(UO->getSubExpr())) {
      Shape.Op = Op::Plus;
      Shape.Increment = true;
      Shape.Accumulator = refVar(UO->getSubExpr());
      Shape.Guard = Guard;
    }
    return;
  }
  const auto *BO = dyn_cast<BinaryOperator>(E);
  if (!BO)
    return;
  const VarDecl *Acc = refVar(BO->getLHS());
  if (!Acc || isa<CompoundAssignOperator>(BO) == false) {
    if (!Acc || BO->getOpcode() != BO_Assign)
      return;
    const Expr *R = BO->getRHS()->IgnoreParenImpCasts();
    if (const auto *Bin = dyn_cast<BinaryOperator>(R)) {
      if ((Bin->getOpcode() == BO_Add || Bin->getOpcode() == BO_Mul) &&
          refVar(Bin->getLHS()) == Acc) {
        Shape.Op = Bin->getOpcode() == BO_Add ? Op::Plus : Op::Times;
        Shape.Contribution = Bin->getRHS();
      }
    } else if (const auto *Call = dyn_cast<CallExpr>(R)) {
      const FunctionDecl *F = Call->getDirectCallee();
      if (F && Call->getNumArgs() == 2 && F->isInStdNamespace() &&
          F->getIdentifier() &&
          (F->getName() == "min" || F->getName() == "max") &&
          refVar(Call->getArg(0)) == Acc) {
        Shape.Op = F->getName() == "min" ? Op::Min : Op::Max;
        Shape.Contribution = Call->getArg(1);
      }
    }
  } else if (BO->getOpcode() == BO_AddAssign ||
             BO->getOpcode() == BO_MulAssign) {
    Shape.Op = BO->getOpcode() == BO_AddAssign ? Op::Plus : Op::Times;
    Shape.Contribution = BO->getRHS();
  }
  if (Shape.isReduction()) {
    Shape.Accumulator = Acc;
    Shape.Guard = Guard;
    if (Guard && Shape.Op != Op::Plus && Shape.Op != Op::Times)
      Shape = LoopShape{Shape.ShapeKind, Shape.Loop, Shape.Body, Shape.Var,
                        Shape.First,     Shape.Last, Shape.Range};
  }
}

/// The outside object a range expression names: a reference parameter, or
/// a member path of `*this` (non-static data members, no arrow below the
/// implicit object); nullopt otherwise.
std::optional<Target> rangeTarget(const Expr *E, const FunctionDecl *Context) {
  std::vector<std::string> Members;
  E = E->IgnoreParenImpCasts();
  while (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!FD || FD->getType()->isReferenceType() ||
        FD->getType()->isPointerType())
      return std::nullopt;
    Members.insert(Members.begin(), FD->getNameAsString());
    const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
    if (isa<CXXThisExpr>(Base))
      return Target::thisObject(std::move(Members));
    if (ME->isArrow())
      return std::nullopt;
    E = Base;
  }
  const auto *P = dyn_cast_or_null<ParmVarDecl>(refVar(E));
  if (!P || !P->getType()->isReferenceType() || !Context ||
      P->getDeclContext() != Context)
    return std::nullopt;
  return Target::param(P->getFunctionScopeIndex(), P->getNameAsString(),
                       std::move(Members));
}

} // namespace

LoopVerdict LoopAnalysis::analyze(const Stmt *Loop, const ThrowScope &Scope) {
  LoopVerdict V;
  const FunctionDecl *Context = Scope.Context;
  ASTContext &Ctx = Effects.context();
  const SourceManager &SM = Ctx.getSourceManager();
  auto Block = [&](LoopBlocker B) {
    for (const LoopBlocker &Old : V.Blockers)
      if (Old.BlockerKind == B.BlockerKind)
        return;
    V.Blockers.push_back(B);
  };
  auto Blocked = [&](LoopBlocker::Kind K, const Stmt *At = nullptr,
                     const VarDecl *Var = nullptr,
                     std::optional<Effect> E = std::nullopt) {
    LoopBlocker B;
    B.BlockerKind = K;
    B.At = At;
    B.Var = Var;
    B.E = std::move(E);
    Block(B);
  };

  LoopShape Shape;
  Shape.Loop = Loop;
  std::optional<Counted> Count;
  const CXXForRangeStmt *RS = dyn_cast<CXXForRangeStmt>(Loop);
  if (const auto *FS = dyn_cast<ForStmt>(Loop)) {
    Shape.Body = FS->getBody();
    Count = countedLoop(FS);
    if (Count) {
      Shape.ShapeKind = LoopShape::Kind::Index;
      Shape.Var = Count->Index;
      Shape.First = Count->First;
      Shape.Last = Count->Last;
    }
  } else if (RS) {
    Shape.ShapeKind = LoopShape::Kind::Range;
    Shape.Body = RS->getBody();
    Shape.Var = RS->getLoopVariable();
    Shape.Range = RS->getRangeInit();
  } else {
    return V;
  }

  BodyScanner Scan(Count ? Count->Index : nullptr, Effects, Context);
  Scan.TraverseStmt(const_cast<Stmt *>(Shape.Body));
  for (const FunctionDecl *F : Scan.Callees) {
    if (declaredEffects(F)) {
      V.Candidate = true;
      if (Effects.contractBroken(F)) {
        LoopBlocker B;
        B.BlockerKind = LoopBlocker::Kind::BrokenContract;
        B.Callee = F;
        Block(B);
      }
      continue;
    }
    const FunctionDecl *Def = nullptr;
    if (F->hasBody(Def) && !SM.isInSystemHeader(Def->getLocation()) &&
        !isKaraParallelCall(F))
      V.Candidate = true;
  }
  if (!V.Candidate)
    return V;

  if (Loop->getBeginLoc().isMacroID() || Loop->getEndLoc().isMacroID() ||
      Scan.InMacro)
    Blocked(LoopBlocker::Kind::Macro, Loop);
  if (!RS && !Count) {
    Blocked(LoopBlocker::Kind::NotCounted, Loop);
    return V;
  }
  if (RS) {
    if (RS->getInit())
      Blocked(LoopBlocker::Kind::NotCounted, Loop);
    if (isa<DecompositionDecl>(Shape.Var)) {
      Blocked(LoopBlocker::Kind::StructuredBinding, Loop);
      return V;
    }
    if (storageOf(Shape.Range->getType()) == Storage::None)
      Blocked(LoopBlocker::Kind::NotRandomAccess, Shape.Range);
    QualType VT = Shape.Var->getType();
    if (VT->isDependentType() ||
        VT->getAsCXXRecordDecl() &&
            (VT->getAsCXXRecordDecl()->isLambda() ||
             !VT->getAsCXXRecordDecl()->getIdentifier()))
      Blocked(LoopBlocker::Kind::UnspellableType, Loop, Shape.Var);
  }
  if (Count) {
    // `int i = -1; i < v.size()` compares in the unsigned type: the plain
    // loop runs nothing where for_each_index would run.
    QualType Cmp = Count->Cond->getLHS()->getType();
    QualType IT = Count->Index->getType();
    if (Cmp->isUnsignedIntegerType() != IT->isUnsignedIntegerType()) {
      const auto *Lit =
          dyn_cast<IntegerLiteral>(Count->First->IgnoreParenImpCasts());
      if (!Lit)
        Blocked(LoopBlocker::Kind::NotCounted, Loop);
    }
  }
  if (Scan.Control)
    Block(*Scan.Control);
  Shape.Continues = Scan.Continues;

  matchReduction(Shape.Body, Shape);
  // What the iterations evaluate: the body, or a reduction's guard and
  // contribution.
  std::vector<const Stmt *> Work = {Shape.Body};
  if (Shape.isReduction()) {
    const VarDecl *Acc = Shape.Accumulator;
    QualType AT = Acc->getType();
    bool Integer =
        AT->isIntegerType() && !AT->isBooleanType() && !AT->isEnumeralType();
    bool Usable = Acc->hasLocalStorage() && !Scan.Own.count(Acc) &&
                  !AT->isReferenceType() && !AT.isVolatileQualified() &&
                  (Integer || AT->isRealFloatingType());
    if (Shape.Contribution) {
      QualType CT = Shape.Contribution->IgnoreImpCasts()->getType();
      if (Integer && !(CT->isIntegerType() && !CT->isBooleanType()))
        Usable = false; // `acc += 2.5` truncates after each addition
    }
    if (!Usable) {
      Shape.Op = LoopShape::ReduceOp::None;
      Shape.Accumulator = nullptr;
      Shape.Contribution = nullptr;
      Shape.Guard = nullptr;
      Shape.Increment = false;
    } else {
      if (!Integer && !FloatReductions)
        Blocked(LoopBlocker::Kind::FloatReduction, Shape.Body, Acc);
      Work.clear();
      for (const Stmt *W : {static_cast<const Stmt *>(Shape.Guard),
                            static_cast<const Stmt *>(Shape.Contribution)})
        if (W)
          Work.push_back(W);
    }
  }

  // The element variable is the iteration's own object, also when it is a
  // reference (distinct iterations have distinct elements).
  std::vector<const VarDecl *> OwnObjects;
  if (RS)
    OwnObjects.push_back(Shape.Var->getCanonicalDecl());
  std::vector<EffectEntry> Entries;
  for (const Stmt *W : Work)
    llvm::append_range(Entries,
                       Effects.statementEffects(W, Context, OwnObjects));
  llvm::SmallPtrSet<const VarDecl *, 16> Own = Scan.Own;
  Own.insert(Shape.Var->getCanonicalDecl());

  // Which variables the body uses only as `v[index]`.
  llvm::SmallPtrSet<const VarDecl *, 8> OtherUse;
  std::vector<const DeclRefExpr *> FirstOtherUse;
  for (const DeclRefExpr *DRE : Scan.Refs) {
    if (Shape.isReduction() && llvm::none_of(Work, [&](const Stmt *W) {
          return !SM.isBeforeInTranslationUnit(DRE->getBeginLoc(),
                                               W->getBeginLoc()) &&
                 !SM.isBeforeInTranslationUnit(W->getEndLoc(),
                                               DRE->getBeginLoc());
        }))
      continue; // the accumulator's own uses
    const auto *Var = cast<VarDecl>(DRE->getDecl())->getCanonicalDecl();
    if (Own.count(Var))
      continue;
    if (!Scan.Designated.count(DRE) && OtherUse.insert(Var).second)
      FirstOtherUse.push_back(DRE);
    // A pointer or reference declared outside: what it designates is not
    // this iteration's. Reference parameters are objects of their own
    // (parameter targets); closures capture what they use.
    QualType T = Var->getType();
    bool Outer =
        Var->hasLocalStorage() && !isa<ParmVarDecl>(Var) &&
        (T->isReferenceType() || T->isPointerType() || isPointerLikeClass(T) ||
         storageOf(T) == Storage::View ||
         (T->getAsCXXRecordDecl() && T->getAsCXXRecordDecl()->isLambda()));
    if (Outer && !(RS && Shape.Range && refVar(Shape.Range) == Var))
      Blocked(LoopBlocker::Kind::OuterPointer, DRE, Var);
  }
  if (RS)
    if (const VarDecl *R = refVar(Shape.Range))
      for (const DeclRefExpr *DRE : Scan.Refs)
        if (cast<VarDecl>(DRE->getDecl())->getCanonicalDecl() == R)
          Blocked(LoopBlocker::Kind::RangeUse, DRE, R);
  auto IsDesignated = [&](const VarDecl *Var) {
    return Count && !OtherUse.count(Var) &&
           storageOf(Var->getType()) != Storage::None;
  };
  auto IsDesignatedPointer = [&](const VarDecl *Var) {
    return Count && !OtherUse.count(Var) && isa<ParmVarDecl>(Var) &&
           Var->getType()->isPointerType();
  };
  for (const UnaryOperator *UO : Scan.AddressOf) {
    const Expr *E = UO->getSubExpr()->IgnoreParenImpCasts();
    while (true) {
      if (const auto *ME = dyn_cast<MemberExpr>(E); ME && !ME->isArrow())
        E = ME->getBase()->IgnoreParenImpCasts();
      else if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E))
        E = ASE->getBase()->IgnoreParenImpCasts();
      else if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E);
               OC && OC->getOperator() == OO_Subscript)
        E = OC->getArg(0)->IgnoreParenImpCasts();
      else
        break;
    }
    const VarDecl *Root = refVar(E);
    if (!Root)
      continue;
    bool Element = RS && Root == Shape.Var->getCanonicalDecl();
    bool OwnRef = Scan.Own.count(Root) && Root->getType()->isReferenceType();
    if (Element || OwnRef || Scan.Designated.count(dyn_cast<DeclRefExpr>(E)))
      Blocked(LoopBlocker::Kind::AddressTaken, UO, Root);
  }

  // The container the iterations write: a local object owns its elements;
  // a parameter's referent, a view or a range given by an expression may
  // be (or be inside) another object the body reads.
  bool External = false;
  bool ObservableWrite = false;
  // The outside objects whose elements the loop writes (a parameter's
  // referent, `*this`); Unresolved when one cannot be named.
  std::vector<Target> OutsideWrites;
  bool Unresolved = false;
  auto NoteContainer = [&](const VarDecl *C, const Target &T) {
    bool Owned = T.TargetKind == Target::Kind::Local && C &&
                 !C->getType()->isReferenceType() &&
                 storageOf(C->getType()) == Storage::Owned;
    if (!Owned) {
      External = true;
      if (T.TargetKind == Target::Kind::Param)
        OutsideWrites.push_back(T.root());
      else
        Unresolved = true;
    }
    if (!Owned ||
        DependenceAnalysis::observableAfterThrow(Effect::write(T), Scope))
      ObservableWrite = true;
  };
  if (RS) {
    const Expr *R = Shape.Range->IgnoreParenImpCasts();
    const VarDecl *RV = refVar(R);
    bool Fresh = R->isPRValue() && storageOf(R->getType()) == Storage::Owned;
    if (Fresh) {
      // A temporary the loop owns: nothing else can see its elements.
    } else if (RV && !RV->getType()->isReferenceType() &&
               RV->hasLocalStorage() &&
               storageOf(RV->getType()) == Storage::Owned) {
      NoteContainer(RV, Target::local(RV, RV->getNameAsString()));
    } else {
      External = true;
      ObservableWrite = true;
      // The object the range is: `ps` (a reference parameter) is param
      // 'ps', `shapes` or `this->a.b` in a method is this.shapes, this.a.b.
      if (std::optional<Target> T = rangeTarget(R, Context))
        OutsideWrites.push_back(*T);
      else
        Unresolved = true;
    }
    // Only writes through a reference element reach the range.
    bool ElementWritten = false;
    if (Shape.Var->getType()->isReferenceType())
      for (const EffectEntry &Entry : Entries)
        if (Entry.E.isWrite() && Entry.E.On.TargetKind == Target::Kind::Local &&
            Entry.E.On.Object == Shape.Var->getCanonicalDecl())
          ElementWritten = true;
    if (!ElementWritten)
      ObservableWrite = false;
  }

  std::vector<Effect> Others; // effects on what no iteration owns
  // Containers accessed only at the loop's index: one written and one read
  // at the same index are the same element or distinct objects when they
  // are owned objects of the same type; a pointer or view may be offset
  // into the other, and an object of another type may contain it.
  std::vector<const VarDecl *> WrittenContainers;
  std::vector<std::pair<const VarDecl *, Effect>> ReadContainers;
  for (const EffectEntry &Entry : Entries) {
    const Effect &E = Entry.E;
    const Target &T = E.On;
    // A referent (through a stored pointer) may be any object, an element
    // another iteration writes included.
    if (T.mayBeAnyObject()) {
      Blocked(LoopBlocker::Kind::Unknown, nullptr, nullptr, E);
      continue;
    }
    if (isIO(T)) {
      Blocked(LoopBlocker::Kind::IO, nullptr, nullptr, E);
      continue;
    }
    if (T.TargetKind == Target::Kind::Local) {
      const auto *Var = static_cast<const VarDecl *>(T.Object);
      if (Var && Own.count(Var)) {
        if (Count && Var == Count->Index && E.isWrite())
          Blocked(LoopBlocker::Kind::IndexWritten, nullptr, Var);
        continue;
      }
      if (Var && IsDesignated(Var)) {
        if (E.isWrite()) {
          NoteContainer(Var, T);
          WrittenContainers.push_back(Var);
        } else {
          ReadContainers.push_back({Var, E});
        }
        continue;
      }
      if (E.isWrite() && Var && OtherUse.count(Var) &&
          storageOf(Var->getType()) != Storage::None)
        continue; // ContainerUse says why
      if (E.isWrite()) {
        bool Reads = Shape.isReduction() && Var == Shape.Accumulator;
        for (const EffectEntry &Other : Entries)
          if (!Other.E.isWrite() && Other.E.On.overlaps(T))
            Reads = true;
        for (const DeclRefExpr *DRE : Scan.Refs)
          if (DRE->getDecl()->getCanonicalDecl() == Var)
            Reads = true; // `x = x + 1`, `x++` read it too
        Blocked(Reads ? LoopBlocker::Kind::CarriedDependence
                      : LoopBlocker::Kind::WritesShared,
                nullptr, Var, E);
        continue;
      }
      if (Shape.isReduction() && Var == Shape.Accumulator) {
        Blocked(LoopBlocker::Kind::CarriedDependence, nullptr, Var, E);
        continue;
      }
      // A read of a variable of the function (its stack frame): a
      // parameter's referent cannot be it (a pointer parameter the function
      // reseats designates `unknown`).
      continue;
    }
    if (T.TargetKind == Target::Kind::Param && Count && Context &&
        T.Path.empty() && T.ParamIndex < Context->getNumParams()) {
      const ParmVarDecl *P = Context->getParamDecl(T.ParamIndex);
      const auto *PC = cast<VarDecl>(P->getCanonicalDecl());
      if (IsDesignated(PC) || IsDesignatedPointer(PC)) {
        if (E.isWrite()) {
          NoteContainer(PC, T);
          WrittenContainers.push_back(PC);
        } else {
          ReadContainers.push_back({PC, E});
        }
        continue;
      }
    }
    if (E.isWrite()) {
      Blocked(LoopBlocker::Kind::WritesShared, nullptr, nullptr, E);
      continue;
    }
    if (T.TargetKind != Target::Kind::Resource || resourceIsVariable(T, Ctx))
      Others.push_back(E);
  }
  for (auto &[D, E] : ReadContainers) {
    if (llvm::is_contained(WrittenContainers, D))
      continue;
    QualType DT = D->getType().getNonReferenceType();
    bool OwnedLocal = D->hasLocalStorage() && !isa<ParmVarDecl>(D) &&
                      !D->getType()->isReferenceType() &&
                      storageOf(DT) == Storage::Owned;
    bool ByValueParam = isa<ParmVarDecl>(D) &&
                        !D->getType()->isReferenceType() &&
                        storageOf(DT) == Storage::Owned;
    if (OwnedLocal || ByValueParam)
      continue;
    bool SameType = storageOf(DT) == Storage::Owned;
    for (const VarDecl *W : WrittenContainers)
      if (!Ctx.hasSameUnqualifiedType(W->getType().getNonReferenceType(), DT) ||
          storageOf(W->getType()) != Storage::Owned)
        SameType = false;
    if (!SameType)
      Others.push_back(E);
  }
  // An object the body reads may be the written container or contain it
  // (or lie inside it) unless the types show otherwise: the rule kara::par
  // uses for outside objects (DependenceAnalysis::aliasConflict), and one
  // object's accesses overlap by member path.
  if (External) {
    DependenceAnalysis Deps(Effects, StrictExceptionOrder);
    for (const Effect &R : Others) {
      bool May = Unresolved || OutsideWrites.empty();
      for (const Target &W : OutsideWrites)
        if (W.overlaps(R.On) || Deps.aliasConflict(EffectSet{Effect::write(W)},
                                                   EffectSet{R}, Context))
          May = true;
      if (May) {
        Blocked(LoopBlocker::Kind::MayAlias, nullptr, nullptr, R);
        break;
      }
    }
  }
  for (const DeclRefExpr *DRE : FirstOtherUse) {
    const auto *Var = cast<VarDecl>(DRE->getDecl())->getCanonicalDecl();
    if (RS && refVar(Shape.Range) == Var)
      continue; // RangeUse says why
    // Written through the effects analysis and used otherwise than as
    // `v[i]`: it may reallocate or touch another iteration's element.
    for (const EffectEntry &Entry : Entries)
      if (Entry.E.isWrite() && storageOf(Var->getType()) != Storage::None &&
          ((Entry.E.On.TargetKind == Target::Kind::Local &&
            Entry.E.On.Object == Var) ||
           (Entry.E.On.TargetKind == Target::Kind::Param &&
            isa<ParmVarDecl>(Var) &&
            cast<ParmVarDecl>(Var)->getFunctionScopeIndex() ==
                Entry.E.On.ParamIndex))) {
        Blocked(LoopBlocker::Kind::ContainerUse, DRE, Var);
        break;
      }
  }

  // The bound is evaluated before every iteration by the plain loop and
  // once by for_each_index: it must not change.
  if (Count) {
    for (const EffectEntry &Entry :
         Effects.statementEffects(Count->Last, Context)) {
      const Target &T = Entry.E.On;
      if (Entry.E.isWrite() || T.mayBeAnyObject()) {
        Blocked(LoopBlocker::Kind::BoundChanges, Count->Last, nullptr, Entry.E);
        continue;
      }
      for (const EffectEntry &W : Entries)
        if (W.E.isWrite() && W.E.On.overlaps(T)) {
          // Element writes keep a container's size.
          const VarDecl *Var = nullptr;
          if (T.TargetKind == Target::Kind::Local)
            Var = static_cast<const VarDecl *>(T.Object);
          else if (T.TargetKind == Target::Kind::Param && Context &&
                   T.ParamIndex < Context->getNumParams())
            Var = cast<VarDecl>(
                Context->getParamDecl(T.ParamIndex)->getCanonicalDecl());
          bool SizeOnly = false;
          if (const auto *MC = dyn_cast<CXXMemberCallExpr>(
                  Count->Last->IgnoreParenImpCasts()))
            SizeOnly = MC->getMethodDecl() &&
                       MC->getMethodDecl()->getName() == "size" &&
                       refVar(MC->getImplicitObjectArgument()) == Var;
          if (!(Var && IsDesignated(Var) && SizeOnly))
            Blocked(LoopBlocker::Kind::BoundChanges, Count->Last, nullptr, W.E);
        }
    }
  }

  // for_each rethrows the lowest index's exception, but iterations above it
  // may have run: their writes must not be observable after the throw.
  if (StrictExceptionOrder) {
    bool Throws = llvm::any_of(
        Work, [&](const Stmt *W) { return Effects.mayThrow(W, Context); });
    if (RS && !Shape.Var->getType()->isReferenceType() &&
        Effects.mayThrow(RS->getLoopVarStmt(), Context))
      Throws = true;
    if (Shape.isReduction() &&
        DependenceAnalysis::observableAfterThrow(
            Effect::write(Target::local(Shape.Accumulator,
                                        Shape.Accumulator->getNameAsString())),
            Scope))
      ObservableWrite = true;
    if (Throws && ObservableWrite)
      Blocked(LoopBlocker::Kind::MayThrow, Loop);
  }
  V.Shape = Shape;
  return V;
}

} // namespace kara
