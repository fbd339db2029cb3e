//===- Dependence.cpp - Which statements may run in parallel --------------===//

#include "kara/Analysis/Dependence.h"

#include "kara/Analysis/RuntimeApi.h"

#include "kara/Analysis/Annotations.h"
#include "kara/Analysis/LoopIndependence.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <algorithm>
#include <set>

using namespace clang;

namespace kara {

namespace {

/// Whether S calls kara::par anywhere, lambda bodies included.
static bool containsParCall(const Stmt *S) {
  if (!S)
    return false;
  if (const auto *CE = dyn_cast<CallExpr>(S))
    if (isKaraParallelCall(CE->getDirectCallee()))
      return true; // par, or a parallel loop
  if (const auto *LE = dyn_cast<LambdaExpr>(S))
    return containsParCall(LE->getBody());
  for (const Stmt *Child : S->children())
    if (containsParCall(Child))
      return true;
  return false;
}

/// Finds what a statement contains: calls to annotated functions and
/// constructs that forbid moving it into a branch.
class StatementScanner : public RecursiveASTVisitor<StatementScanner> {
public:
  bool CallsAnnotated = false;
  std::optional<Blocker> Found;

  bool TraverseLambdaExpr(LambdaExpr *LE) {
    // The body runs when the closure is called: only captures count here,
    // and a kara::par in the body (a run the rewrite planned inside the
    // lambda: moving the statement would plan differently from the first
    // --fix, which did not move it because the inner fix overlapped).
    for (Expr *Init : LE->capture_inits())
      TraverseStmt(Init);
    if (!Found && containsParCall(LE->getBody()))
      Found = Blocker{Blocker::Kind::ContainsPar, "kara::par"};
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *) { return block("return"); }
  bool VisitBreakStmt(BreakStmt *) { return block("break"); }
  bool VisitContinueStmt(ContinueStmt *) { return block("continue"); }
  bool VisitGotoStmt(GotoStmt *) { return block("goto"); }
  bool VisitIndirectGotoStmt(IndirectGotoStmt *) { return block("goto"); }
  bool VisitLabelStmt(LabelStmt *) { return block("label"); }
  bool VisitCoawaitExpr(CoawaitExpr *) { return block("co_await"); }
  bool VisitDependentCoawaitExpr(DependentCoawaitExpr *) {
    return block("co_await");
  }
  bool VisitCoyieldExpr(CoyieldExpr *) { return block("co_yield"); }
  bool VisitCoreturnStmt(CoreturnStmt *) { return block("co_return"); }
  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    noteCallee(Callee);
    // A par written by the rewrite (or by hand): its branches are already
    // planned, and moving it would re-plan them.
    if (isKaraParallelCall(Callee) && !Found)
      Found = Blocker{Blocker::Kind::ContainsPar, "kara::par"};
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    noteCallee(CE->getConstructor());
    return true;
  }

  /// Callees with kara annotations, in source order.
  std::vector<const FunctionDecl *> Annotated;

private:
  bool block(const char *Construct) {
    if (!Found)
      Found = Blocker{Blocker::Kind::ControlFlow, Construct};
    return true;
  }
  void noteCallee(const FunctionDecl *Callee) {
    if (Callee && declaredEffects(Callee)) {
      CallsAnnotated = true;
      Annotated.push_back(Callee);
    }
  }
};

bool isPointerLike(QualType T) {
  return T.getNonReferenceType()->isPointerType() || isPointerLikeClass(T);
}

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

/// Every variable a statement names: evaluated or not, in nested lambdas,
/// in types (decltype) and as captures.
class UseCollector : public RecursiveASTVisitor<UseCollector> {
public:
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
      Uses.insert(V->getCanonicalDecl());
    // A binding of `auto [a, b] = kara::par(...)` names the variable that
    // holds its element: the same rules apply to it as to the declaration
    // the first --fix replaced (a second --fix must plan the same).
    if (const auto *B = dyn_cast<BindingDecl>(DRE->getDecl()))
      if (const VarDecl *H = B->getHoldingVar())
        Uses.insert(H->getCanonicalDecl());
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *LE) {
    for (const LambdaCapture &C : LE->captures())
      if (C.capturesVariable())
        if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar()))
          Uses.insert(V->getCanonicalDecl());
    return true;
  }
  llvm::SmallPtrSet<const VarDecl *, 16> Uses;
};

/// For aliasedLocals: references to variables that cannot create an alias
/// (loads, the left side of an assignment, increments), found pre-order
/// before the reference itself is visited.
class AliasFinder : public RecursiveASTVisitor<AliasFinder> {
public:
  bool VisitImplicitCastExpr(ImplicitCastExpr *E) {
    if (E->getCastKind() == CK_LValueToRValue)
      markBenign(E->getSubExpr());
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp())
      markBenign(BO->getLHS());
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp())
      markBenign(UO->getSubExpr());
    return true;
  }
  // Unevaluated operands make no alias.
  bool TraverseUnaryExprOrTypeTraitExpr(UnaryExprOrTypeTraitExpr *) {
    return true;
  }
  bool TraverseDecltypeTypeLoc(DecltypeTypeLoc) { return true; }
  bool VisitLambdaExpr(LambdaExpr *LE) {
    for (const LambdaCapture &C : LE->captures())
      if (C.capturesVariable() && C.getCaptureKind() == LCK_ByRef)
        if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar()))
          Aliased.insert(V->getCanonicalDecl());
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
    if (V && !Benign.count(DRE))
      Aliased.insert(V->getCanonicalDecl());
    return true;
  }
  llvm::SmallPtrSet<const VarDecl *, 16> Aliased;

private:
  void markBenign(const Expr *E) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParens()))
      Benign.insert(DRE);
  }
  llvm::SmallPtrSet<const DeclRefExpr *, 32> Benign;
};

const CXXRecordDecl *observableDestructorImpl(QualType T, unsigned Depth) {
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
                  observableDestructorImpl(A.getAsType(), Depth + 1))
            return Inner;
    return nullptr;
  }
  if (const CXXDestructorDecl *D = RD->getDestructor())
    if (D->isUserProvided())
      return RD;
  for (const CXXBaseSpecifier &B : RD->bases())
    if (const CXXRecordDecl *Inner =
            observableDestructorImpl(B.getType(), Depth + 1))
      return Inner;
  for (const FieldDecl *F : RD->fields())
    if (const CXXRecordDecl *Inner =
            observableDestructorImpl(F->getType(), Depth + 1))
      return Inner;
  return nullptr;
}

} // namespace

const CXXRecordDecl *observableDestructor(QualType T) {
  return observableDestructorImpl(T, 0);
}

std::vector<const VarDecl *> aliasedLocals(const Stmt *Body) {
  AliasFinder Finder;
  Finder.TraverseStmt(const_cast<Stmt *>(Body));
  std::vector<const VarDecl *> Result;
  for (const VarDecl *V : Finder.Aliased)
    if (V->hasLocalStorage())
      Result.push_back(V);
  return Result;
}

bool StatementInfo::uses(const VarDecl *V) const {
  return llvm::is_contained(Uses, V->getCanonicalDecl());
}

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

bool DependenceAnalysis::observableAfterThrow(const Effect &E,
                                              const ThrowScope &Scope) {
  if (E.On.TargetKind != Target::Kind::Local)
    return true;
  const auto *V = static_cast<const VarDecl *>(E.On.Object);
  if (!V || !V->hasLocalStorage() || V->getType()->isReferenceType() ||
      observableDestructor(V->getType()))
    return true;
  // A variable of an enclosing function (captured by a lambda): the
  // exception may be caught there.
  const auto *Owner =
      dyn_cast_or_null<FunctionDecl>(V->getParentFunctionOrMethod());
  if (!Owner || !Scope.Context ||
      Owner->getCanonicalDecl() != Scope.Context->getCanonicalDecl())
    return true;
  if (!Scope.TryBlock)
    return false; // the exception leaves the function
  if (isa<ParmVarDecl>(V))
    return true; // a function-try-block's handler sees the parameters
  // Declared inside the innermost enclosing try block: its scope ends
  // before the handler runs.
  const SourceManager &SM = V->getASTContext().getSourceManager();
  SourceRange R = Scope.TryBlock->getSourceRange();
  SourceLocation L = V->getLocation();
  bool Inside = !SM.isBeforeInTranslationUnit(L, R.getBegin()) &&
                !SM.isBeforeInTranslationUnit(R.getEnd(), L);
  return !Inside;
}

std::optional<Effect>
DependenceAnalysis::firstObservableWrite(const StatementInfo &Info,
                                         const ThrowScope &Scope) const {
  for (const Effect &E : Info.Effects) {
    if (!E.isWrite())
      continue;
    if (E.On.TargetKind == Target::Kind::Local &&
        llvm::is_contained(Info.Declares, E.On.Object))
      continue;
    if (observableAfterThrow(E, Scope))
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
    Info.Block = Blocker{Blocker::Kind::NotCandidateKind};
    return Info;
  }
  if (DS) {
    for (const Decl *D : DS->decls()) {
      const auto *V = dyn_cast<VarDecl>(D);
      if (!V || !V->hasInit() || !V->hasLocalStorage()) {
        Info.Block = Blocker{Blocker::Kind::NonLocalDecl};
        return Info;
      }
      Info.Declares.push_back(V->getCanonicalDecl());
    }
  }
  if (inMacro(S)) {
    Info.Block = Blocker{Blocker::Kind::Macro};
    return Info;
  }
  StatementScanner Scanner;
  Scanner.TraverseStmt(const_cast<Stmt *>(S));
  Info.CallsAnnotated = Scanner.CallsAnnotated;
  Info.Block = Scanner.Found;
  if (!Info.isCandidate())
    return Info;
  Info.MayThrow = Effects.mayThrow(S, Context);
  for (const FunctionDecl *Callee : Scanner.Annotated)
    if (Effects.contractBroken(Callee)) {
      Info.BrokenContract = Callee;
      break;
    }
  UseCollector Uses;
  Uses.TraverseStmt(const_cast<Stmt *>(S));
  Info.Uses.assign(Uses.Uses.begin(), Uses.Uses.end());
  llvm::sort(Info.Uses, [](const VarDecl *A, const VarDecl *B) {
    return A->getBeginLoc() < B->getBeginLoc();
  });
  for (const VarDecl *V : Info.Uses)
    // A local owning a fresh object designates it in a branch too.
    if (V->hasLocalStorage() && isPointerLike(V->getType()) &&
        !ownsFreshObject(V) && !llvm::is_contained(Info.Declares, V)) {
      Info.CapturedPointer = V;
      break;
    }

  Info.Entries = Effects.statementEffects(S, Context);
  for (const EffectEntry &E : Info.Entries)
    Info.Effects.add(E.E);
  for (const VarDecl *V : Info.Declares) {
    Effect Decl = Effect::write(Effects.localTarget(V));
    Reason Why;
    Why.ReasonKind = Reason::Kind::Access;
    Why.Loc = V->getLocation();
    Why.Detail = "declares '" + V->getNameAsString() + "'";
    if (Info.Effects.add(Decl))
      Info.Entries.push_back({Decl, Why});
  }
  return Info;
}

namespace {

/// Static locals of a function body (named `Name`, or all when empty).
class StaticLocalFinder : public RecursiveASTVisitor<StaticLocalFinder> {
public:
  explicit StaticLocalFinder(llvm::StringRef Name) : Name(Name) {}
  bool VisitVarDecl(VarDecl *V) {
    if (V->isStaticLocal() && (Name.empty() || V->getName() == Name))
      Found.push_back(V->getCanonicalDecl());
    return true;
  }
  llvm::StringRef Name;
  std::vector<const VarDecl *> Found;
};

/// Every variable with static storage declared in DC (nested namespaces,
/// linkage specifications and classes' static members included).
void collectVariables(const DeclContext *DC,
                      std::vector<const VarDecl *> &Out) {
  for (const Decl *D : DC->decls()) {
    if (const auto *V = dyn_cast<VarDecl>(D)) {
      if (V->hasGlobalStorage())
        Out.push_back(V->getCanonicalDecl());
    } else if (const auto *Inner = dyn_cast<DeclContext>(D)) {
      if (isa<NamespaceDecl, LinkageSpecDecl, CXXRecordDecl>(D))
        collectVariables(Inner, Out);
    }
  }
}

/// The variables the resource path Path[I...] names inside DC, found by
/// name lookup as EffectAnalysis::databaseName spells them.
void resolveResource(const DeclContext *DC,
                     const std::vector<std::string> &Path, unsigned I,
                     const ASTContext &Ctx, std::vector<const VarDecl *> &Out,
                     unsigned Depth = 0) {
  if (Depth > 16)
    return;
  if (I == Path.size()) {
    collectVariables(DC, Out);
    return;
  }
  // databaseName skips inline namespaces and spells anonymous ones.
  for (const Decl *D : DC->decls())
    if (const auto *NS = dyn_cast<NamespaceDecl>(D))
      if (NS->isInline() ||
          (NS->isAnonymousNamespace() && Path[I] == "(anonymous)"))
        resolveResource(NS, Path, NS->isInline() ? I : I + 1, Ctx, Out,
                        Depth + 1);
  const DeclContext *Primary = DC->getPrimaryContext();
  DeclarationName Name(&Ctx.Idents.get(Path[I]));
  for (const NamedDecl *ND : Primary->lookup(Name)) {
    if (const auto *V = dyn_cast<VarDecl>(ND)) {
      if (V->hasGlobalStorage())
        Out.push_back(V->getCanonicalDecl()); // the rest is a member path
    } else if (const auto *FD = dyn_cast<FunctionDecl>(ND)) {
      // A static local: `f::counter`.
      if (FD->hasBody()) {
        StaticLocalFinder F(I + 1 < Path.size() ? llvm::StringRef(Path[I + 1])
                                                : llvm::StringRef());
        F.TraverseStmt(FD->getBody());
        Out.insert(Out.end(), F.Found.begin(), F.Found.end());
      }
    } else if (const auto *Inner = dyn_cast<DeclContext>(ND)) {
      if (isa<NamespaceDecl, CXXRecordDecl>(ND))
        resolveResource(Inner, Path, I + 1, Ctx, Out, Depth + 1);
    }
  }
}

/// An object outside the function, named by a target: a global, `*this`,
/// or what a reference or pointer parameter refers to. The function cannot
/// tell two of them apart (SPEC §2: a parameter names "the object that
/// argument refers to at the call site", which may be a global, `*this` or
/// another parameter's referent), except by type.
struct OutsideObject {
  enum class Kind { Global, Object } ObjectKind = Kind::Object;
  /// Same key: one object, whose accesses are ordered by path already.
  std::string Key;
  /// Global: the variables' types. Object: the type of the referent.
  std::vector<QualType> Types;
  /// The type is not known (a template, `void *`, an incomplete class):
  /// it may be anything.
  bool AnyType = false;
};

bool isCharLike(QualType T) {
  if (T->isAnyCharacterType() && !T->isWideCharType() && !T->isChar8Type() &&
      !T->isChar16Type() && !T->isChar32Type())
    return true;
  if (const auto *ET = T->getAs<EnumType>())
    return ET->getDecl()->getQualifiedNameAsString() == "std::byte";
  return false;
}

/// True if a glvalue of type `Inner` may designate an object of type
/// `Outer` (C++ [basic.lval]/11): the same type up to signedness, a base or
/// a derived class, or a character type (which may access anything).
bool related(QualType Outer, QualType Inner, const ASTContext &Ctx) {
  Outer = Outer.getCanonicalType().getUnqualifiedType();
  Inner = Inner.getCanonicalType().getUnqualifiedType();
  if (Inner->isVoidType() || isCharLike(Inner))
    return true;
  if (Outer == Inner)
    return true;
  if (Outer->isIntegerType() && Inner->isIntegerType() &&
      !Outer->isBooleanType() && !Inner->isBooleanType() &&
      !Outer->isEnumeralType() && !Inner->isEnumeralType())
    return Ctx.getCorrespondingUnsignedType(Outer) ==
           Ctx.getCorrespondingUnsignedType(Inner);
  const auto *A = Outer->getAsCXXRecordDecl();
  const auto *B = Inner->getAsCXXRecordDecl();
  if (A && B && A->hasDefinition() && B->hasDefinition())
    return A->isDerivedFrom(B) || B->isDerivedFrom(A);
  return false;
}

/// Standard classes that hold objects of types their template arguments do
/// not name.
bool erasesTypes(const CXXRecordDecl *RD) {
  static const char *const Names[] = {
      "function", "move_only_function", "any",         "shared_ptr",
      "weak_ptr", "packaged_task",      "function_ref"};
  for (const char *N : Names)
    if (RD->getName() == N)
      return true;
  return false;
}

/// True if an object of type `Inner` may be `Outer` itself or live inside
/// an object of type `Outer`: a member, a base, an array element, an element
/// of a standard container (a type argument), or a pointee (through a
/// pointer or reference member).
bool reaches(QualType Outer, QualType Inner, const ASTContext &Ctx,
             unsigned Depth, llvm::SmallPtrSetImpl<const Type *> &Seen) {
  if (Outer.isNull() || Depth > 12)
    return true;
  Outer = Outer.getNonReferenceType().getCanonicalType().getUnqualifiedType();
  if (Outer->isDependentType() || Inner->isDependentType())
    return true;
  if (related(Outer, Inner, Ctx))
    return true;
  if (!Seen.insert(Outer.getTypePtr()).second)
    return false;
  if (const ArrayType *AT = Ctx.getAsArrayType(Outer))
    return reaches(AT->getElementType(), Inner, Ctx, Depth + 1, Seen);
  if (Outer->isPointerType())
    return reaches(Outer->getPointeeType(), Inner, Ctx, Depth + 1, Seen);
  if (Outer->isVoidType())
    return true;
  const CXXRecordDecl *RD = Outer->getAsCXXRecordDecl();
  if (!RD)
    return Outer->isRecordType(); // a C struct without C++ data: be safe
  if (!RD->hasDefinition())
    return true;
  RD = RD->getDefinition();
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    for (const TemplateArgument &A : Spec->getTemplateArgs().asArray())
      if (A.getKind() == TemplateArgument::Type &&
          reaches(A.getAsType(), Inner, Ctx, Depth + 1, Seen))
        return true;
  if (RD->isInStdNamespace())
    return erasesTypes(RD); // its members are the library's business
  for (const CXXBaseSpecifier &B : RD->bases())
    if (reaches(B.getType(), Inner, Ctx, Depth + 1, Seen))
      return true;
  for (const FieldDecl *F : RD->fields())
    if (reaches(F->getType(), Inner, Ctx, Depth + 1, Seen))
      return true;
  return false;
}

bool reaches(QualType Outer, QualType Inner, const ASTContext &Ctx) {
  llvm::SmallPtrSet<const Type *, 16> Seen;
  return reaches(Outer, Inner, Ctx, 0, Seen);
}

/// The referent type of a reference or pointer parameter; null if it is
/// not known (a pointer-like class, a template parameter).
QualType referentType(const ValueDecl *P) {
  QualType T = P->getType();
  if (T->isReferenceType())
    return T.getNonReferenceType();
  if (T->isPointerType())
    return T->getPointeeType();
  return QualType();
}

/// The class `this` has inside `Context` (the enclosing class for a lambda
/// that captures it), or null.
const CXXRecordDecl *thisClass(const FunctionDecl *Context) {
  const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Context);
  while (MD && MD->getParent()->isLambda())
    MD = dyn_cast<CXXMethodDecl>(MD->getParent()->getDeclContext());
  return MD && !MD->isStatic() ? MD->getParent() : nullptr;
}

std::string pathKey(const std::vector<std::string> &Path) {
  std::string Key;
  for (const std::string &P : Path)
    Key += "::" + P;
  return Key;
}

} // namespace

const std::vector<const VarDecl *> &
DependenceAnalysis::resourceVariables(const std::vector<std::string> &Path,
                                      const ASTContext &Ctx) const {
  auto It = ResourceCache.find(Path);
  if (It != ResourceCache.end())
    return It->second;
  std::vector<const VarDecl *> &Vars = ResourceCache[Path];
  if (!Path.empty())
    resolveResource(Ctx.getTranslationUnitDecl(), Path, 0, Ctx, Vars);
  llvm::sort(Vars);
  Vars.erase(std::unique(Vars.begin(), Vars.end()), Vars.end());
  return Vars;
}

std::optional<std::pair<Effect, Effect>>
DependenceAnalysis::aliasConflict(const EffectSet &A, const EffectSet &B,
                                  const FunctionDecl *Context) const {
  if (!Context)
    return std::nullopt;
  const ASTContext &Ctx = Context->getASTContext();
  auto Outside = [&](const Target &T) -> std::optional<OutsideObject> {
    OutsideObject O;
    const ValueDecl *P = nullptr;
    switch (T.TargetKind) {
    case Target::Kind::Resource: {
      O.ObjectKind = OutsideObject::Kind::Global;
      O.Key = "R" + pathKey(T.Path);
      const auto &Vars = resourceVariables(T.Path, Ctx);
      // An abstract resource (no variable of that name): state the code
      // reaches only through the annotated functions, never as an object
      // it could pass on (docs/checks/kara-parallelize.md).
      if (Vars.empty())
        return std::nullopt;
      for (const VarDecl *V : Vars) {
        if (V->getType()->isReferenceType())
          O.AnyType = true;
        O.Types.push_back(V->getType());
      }
      return O;
    }
    case Target::Kind::This: {
      // In a lambda, `this` with a member path naming a by-copy capture is
      // the closure's own copy, which nothing outside can reach.
      const auto *MD = dyn_cast<CXXMethodDecl>(Context);
      if (MD && MD->getParent()->isLambda() && !T.Path.empty())
        for (const LambdaCapture &C : MD->getParent()->captures())
          if (C.capturesVariable() && C.getCaptureKind() == LCK_ByCopy &&
              C.getCapturedVar()->getName() == T.Path.front())
            return std::nullopt;
      O.Key = "T";
      if (const CXXRecordDecl *RD = thisClass(Context))
        O.Types.push_back(Ctx.getRecordType(RD));
      else
        O.AnyType = true;
      return O;
    }
    case Target::Kind::Param:
      if (T.ParamIndex < Context->getNumParams())
        P = Context->getParamDecl(T.ParamIndex);
      break;
    case Target::Kind::Local: {
      // An enclosing function's reference parameter used in a lambda (a
      // branch the rewrite made): the same outside object as in the
      // function itself, so a second --fix decides as the first did.
      const auto *PV = static_cast<const VarDecl *>(T.Object);
      if (PV && isa<ParmVarDecl>(PV) && PV->getType()->isReferenceType())
        P = PV;
      else
        return std::nullopt;
      break;
    }
    case Target::Kind::Unknown:
    case Target::Kind::Referent:
      return std::nullopt; // conflicts with everything already
    }
    if (!P)
      return std::nullopt;
    O.Key = "P" +
            std::to_string(reinterpret_cast<uintptr_t>(P->getCanonicalDecl()));
    QualType RT = referentType(P);
    if (RT.isNull() || RT->isDependentType() || RT->isVoidType() ||
        RT->isIncompleteType())
      O.AnyType = true;
    else
      O.Types.push_back(RT);
    return O;
  };
  auto MayBeOne = [&](const OutsideObject &X, const OutsideObject &Y) {
    if (X.Key == Y.Key)
      return false; // one object: its paths decide (firstConflict)
    if (X.ObjectKind == OutsideObject::Kind::Global &&
        Y.ObjectKind == OutsideObject::Kind::Global)
      return false; // two globals are two objects
    if (X.AnyType || Y.AnyType)
      return true;
    for (QualType TX : X.Types)
      for (QualType TY : Y.Types) {
        // A global is a complete object: only the other may live inside it.
        if (Y.ObjectKind == OutsideObject::Kind::Object && reaches(TX, TY, Ctx))
          return true;
        if (X.ObjectKind == OutsideObject::Kind::Object && reaches(TY, TX, Ctx))
          return true;
      }
    return false;
  };
  for (const Effect &X : A)
    for (const Effect &Y : B) {
      if (!X.isWrite() && !Y.isWrite())
        continue;
      std::optional<OutsideObject> OX = Outside(X.On);
      if (!OX)
        continue;
      std::optional<OutsideObject> OY = Outside(Y.On);
      if (OY && MayBeOne(*OX, *OY))
        return std::make_pair(X, Y);
    }
  return std::nullopt;
}

std::optional<Dependence>
DependenceAnalysis::dependence(const StatementInfo &Earlier,
                               const StatementInfo &Later,
                               const ThrowScope &Scope) const {
  Dependence D;
  if (auto Pair = Earlier.Effects.firstConflict(Later.Effects)) {
    D.DependenceKind = Dependence::Kind::Conflict;
    D.EarlierEffect = Pair->first;
    D.LaterEffect = Pair->second;
    return D;
  }
  if (auto Pair =
          aliasConflict(Earlier.Effects, Later.Effects, Scope.Context)) {
    D.DependenceKind = Dependence::Kind::MayAlias;
    D.EarlierEffect = Pair->first;
    D.LaterEffect = Pair->second;
    return D;
  }
  // Every use is a use: also unevaluated ones and those through a
  // reference, whose effects name the referent, not the variable.
  for (const VarDecl *V : Earlier.Declares)
    if (Later.uses(V)) {
      D.DependenceKind = Dependence::Kind::DefUse;
      D.Var = V;
      return D;
    }
  if (!StrictExceptionOrder)
    return std::nullopt;
  if (Earlier.MayThrow)
    if (std::optional<Effect> Write = firstObservableWrite(Later, Scope)) {
      D.DependenceKind = Dependence::Kind::Exception;
      D.LaterEffect = Write;
      return D;
    }
  // The reverse: sequential code completes the earlier write before the
  // later statement throws. In a parallel block the write could be skipped:
  // a deferred statement never runs once the block has thrown, and a branch
  // other than the first is not started once a sibling has failed.
  if (Later.MayThrow)
    if (std::optional<Effect> Write = firstObservableWrite(Earlier, Scope)) {
      D.DependenceKind = Dependence::Kind::ExceptionAfterWrite;
      D.EarlierEffect = Write;
      return D;
    }
  if (Earlier.MayThrow && Later.MayThrow) {
    D.DependenceKind = Dependence::Kind::ThrowOrder;
    return D;
  }
  return std::nullopt;
}

DependenceAnalysis::Round
DependenceAnalysis::planRound(const std::vector<StatementInfo> &Run,
                              const std::vector<unsigned> &Members,
                              const ThrowScope &Scope) const {
  Round R;
  std::vector<int> ChainOf(Members.size(), -1); // -1: deferred
  std::vector<int> LastThrow;                   // per chain, -1: none
  int Branch0 = -1;                             // -1: not decided yet
  for (unsigned L = 0; L < Members.size(); ++L) {
    const StatementInfo &Info = Run[Members[L]];
    std::set<int> Need;
    bool OnDeferred = false;
    std::vector<Dependence> Found;
    if (Info.CapturedPointer) {
      Dependence D;
      D.DependenceKind = Dependence::Kind::Pinned;
      D.Earlier = D.Later = Members[L];
      D.Var = Info.CapturedPointer;
      R.Dependences.push_back(D);
      R.Deferred.push_back(L);
      continue;
    }
    std::vector<std::pair<int, Dependence>> Exemptable;
    for (unsigned E = 0; E < L; ++E) {
      std::optional<Dependence> D = dependence(Run[Members[E]], Info, Scope);
      if (!D)
        continue;
      D->Earlier = Members[E];
      D->Later = Members[L];
      int C = ChainOf[E];
      if (D->DependenceKind == Dependence::Kind::ThrowOrder) {
        // Beside a chain it is a placement rule (below); after a deferred
        // statement that may throw it must be deferred too.
        if (C < 0) {
          OnDeferred = true;
          Found.push_back(*D);
        }
        continue;
      }
      // Branch 0 always starts and runs to its end even when a sibling
      // throws, so a write there is never lost to a later statement's throw.
      if (D->DependenceKind == Dependence::Kind::ExceptionAfterWrite &&
          C >= 0 && (Branch0 < 0 || Branch0 == C)) {
        Exemptable.emplace_back(C, *D);
        continue;
      }
      Found.push_back(*D);
      if (C < 0)
        OnDeferred = true;
      else
        Need.insert(C);
    }
    // At most one chain can be branch 0.
    int Commit = Branch0;
    for (auto &[C, D] : Exemptable) {
      if (Need.count(C) || C == Commit)
        continue;
      if (Commit < 0) {
        Commit = C;
        continue;
      }
      Found.push_back(D);
      Need.insert(C);
    }
    int Target =
        Need.size() == 1 ? *Need.begin() : static_cast<int>(R.Chains.size());
    // Throwing statements: branch 0 and at most one other branch, branch
    // 0's first in source order (see plan()).
    bool ThrowsOK = true;
    if (StrictExceptionOrder && Info.MayThrow && !OnDeferred &&
        Need.size() <= 1) {
      std::vector<int> Others; // other chains holding throwing statements
      for (unsigned C = 0; C < LastThrow.size(); ++C)
        if (LastThrow[C] >= 0 && static_cast<int>(C) != Target)
          Others.push_back(C);
      if (!Others.empty()) {
        if (Commit < 0 && Others.size() == 1)
          Commit = Others.front();
        if (Commit == Target || Others.size() > 1 || Others.front() != Commit) {
          ThrowsOK = false;
          int Offender = Others.front() == Commit && Others.size() > 1
                             ? Others[1]
                             : Others.front();
          Dependence D;
          D.DependenceKind = Dependence::Kind::ThrowOrder;
          D.Earlier = Members[LastThrow[Offender]];
          D.Later = Members[L];
          Found.push_back(D);
        }
      }
    }
    R.Dependences.insert(R.Dependences.end(), Found.begin(), Found.end());
    if (OnDeferred || Need.size() > 1 || !ThrowsOK) {
      R.Deferred.push_back(L);
      continue;
    }
    Branch0 = Commit;
    if (Target == static_cast<int>(R.Chains.size())) {
      R.Chains.emplace_back();
      LastThrow.push_back(-1);
    }
    ChainOf[L] = Target;
    R.Chains[Target].push_back(L);
    if (Info.MayThrow)
      LastThrow[Target] = static_cast<int>(L);
  }
  // Branch 0 first; the others keep the order of their first statement.
  if (Branch0 > 0) {
    std::vector<unsigned> First = std::move(R.Chains[Branch0]);
    R.Chains.erase(R.Chains.begin() + Branch0);
    R.Chains.insert(R.Chains.begin(), std::move(First));
  }
  return R;
}

RunPlan DependenceAnalysis::plan(const std::vector<StatementInfo> &Run,
                                 const ThrowScope &Scope) const {
  RunPlan Plan;
  std::vector<unsigned> Members(Run.size());
  for (unsigned I = 0; I < Run.size(); ++I)
    Members[I] = I;
  auto ToRun = [&](const std::vector<unsigned> &Indices) {
    std::vector<unsigned> Out;
    for (unsigned I : Indices)
      Out.push_back(Members[I]);
    return Out;
  };
  bool First = true;
  while (true) {
    Round R = planRound(Run, Members, Scope);
    if (First) {
      Plan.Dependences = R.Dependences;
      Plan.Deferred = ToRun(R.Deferred);
      First = false;
    }
    if (R.Chains.size() < 2) {
      Plan.Sequential = Members;
      break;
    }
    ParRound P;
    for (const auto &Chain : R.Chains)
      P.Chains.push_back(ToRun(Chain));
    Plan.Rounds.push_back(std::move(P));
    if (R.Deferred.empty())
      break;
    Members = ToRun(R.Deferred);
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
