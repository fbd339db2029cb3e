//===- EffectAnalysis.cpp - Effect summaries of functions -----------------===//

#include "kara/Analysis/EffectAnalysis.h"

#include "kara/Analysis/RuntimeApi.h"

#include "kara/Analysis/Annotations.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ExprConcepts.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/Builtins.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace kara {

bool isPointerLikeClass(QualType T) {
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return false;
  for (const auto *M : RD->methods())
    if (M->getOverloadedOperator() == OO_Star ||
        M->getOverloadedOperator() == OO_Arrow)
      return true;
  return false;
}

namespace {

/// Member paths deeper than this are cut: coarser is still sound.
constexpr std::size_t MaxMemberDepth = 2;

/// SPEC §2: what a reference member, or a pointer loaded from a member,
/// refers to is an object the analysis cannot tell apart from any other:
/// some object of type T (a Referent, which overlaps every target).
Target referentOf(QualType T, const ASTContext &Ctx) {
  PrintingPolicy Policy(Ctx.getLangOpts());
  Policy.SuppressTagKeyword = true;
  Policy.FullyQualifiedName = true;
  Policy.SuppressScope = false;
  return Target::referent(T.getUnqualifiedType().getAsString(Policy));
}

Target withMembers(Target Base, const std::vector<std::string> &Members) {
  for (const std::string &M : Members) {
    if (Base.Path.size() >= MaxMemberDepth)
      break;
    Base = Base.member(M);
  }
  return Base;
}

/// Class templates of the standard library that own what their member
/// functions return references, pointers and iterators into; streams, whose
/// members return the stream itself.
bool isOwningStdTemplate(const CXXRecordDecl *RD) {
  const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
  if (!Spec || !RD->isInStdNamespace())
    return false;
  static const llvm::StringRef Owning[] = {"array",
                                           "basic_fstream",
                                           "basic_ifstream",
                                           "basic_ios",
                                           "basic_iostream",
                                           "basic_istream",
                                           "basic_istringstream",
                                           "basic_ofstream",
                                           "basic_ostream",
                                           "basic_ostringstream",
                                           "basic_string",
                                           "basic_stringstream",
                                           "bitset",
                                           "deque",
                                           "forward_list",
                                           "list",
                                           "map",
                                           "multimap",
                                           "multiset",
                                           "optional",
                                           "priority_queue",
                                           "queue",
                                           "set",
                                           "stack",
                                           "unique_ptr",
                                           "unordered_map",
                                           "unordered_multimap",
                                           "unordered_multiset",
                                           "unordered_set",
                                           "valarray",
                                           "variant",
                                           "vector"};
  return llvm::is_contained(Owning, Spec->getSpecializedTemplate()->getName());
}

/// True if an object of type T holds no pointer or reference, directly or
/// in its members and bases (owning standard containers and unique_ptr
/// aside): what its member functions return references or pointers to is
/// part of the object. Other classes (iterators, views, shared_ptr, classes
/// with reference or pointer members) are handles to storage they do not
/// own. `Budget` bounds the walk over wide classes; running out answers no.
bool isSelfContained(QualType T, unsigned &Budget) {
  if (Budget == 0)
    return false;
  --Budget;
  T = T.getCanonicalType();
  while (const auto *AT = dyn_cast<ArrayType>(T.getTypePtr()))
    T = AT->getElementType().getCanonicalType();
  if (T->isReferenceType() || T->isPointerType() || T->isBlockPointerType())
    return false;
  const auto *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return true;
  if (isOwningStdTemplate(RD))
    return true;
  if (!RD->hasDefinition())
    return false;
  for (const CXXBaseSpecifier &B : RD->bases())
    if (!isSelfContained(B.getType(), Budget))
      return false;
  for (const FieldDecl *F : RD->fields())
    if (!isSelfContained(F->getType(), Budget))
      return false;
  return true;
}

/// A variable of the runtime's own `kara::detail` namespace (the idle
/// counter, pool state): synchronised by the runtime itself, so its accesses
/// are no effect of the user code that calls into the runtime.
bool isRuntimeInternal(const VarDecl *V) {
  return runtime::isRuntimeInternalVariable(V);
}

/// A class type whose objects refer to storage they do not own. Closure
/// types are not handles: what a lambda reaches through its by-reference
/// captures is an effect of calling it, which the call's analysis of its body
/// sees (in the function that created it), not of passing it around.
bool isHandleClass(QualType T) {
  T = T.getNonReferenceType();
  const auto *RD = T->getAsCXXRecordDecl();
  if (!RD || RD->isLambda())
    return false;
  unsigned Budget = 256;
  return !isSelfContained(T, Budget);
}

bool isPointerLike(QualType T) {
  return T->isPointerType() || isPointerLikeClass(T) || isHandleClass(T);
}

const FunctionDecl *canonical(const FunctionDecl *FD) {
  return FD ? FD->getCanonicalDecl() : nullptr;
}

const FunctionDecl *owningFunction(const VarDecl *V) {
  const DeclContext *DC = V->getParentFunctionOrMethod();
  return DC ? canonical(dyn_cast<FunctionDecl>(DC)) : nullptr;
}

// The rewrite's own results (SPEC §4: exported variables keep their type
// and reference-ness): `auto [a, b] = kara::par(...)`, `auto t =
// kara::par(...); T &x = std::get<0>(std::move(t));` and, for a branch that
// exports several variables, `std::get<1>(std::get<0>(std::move(t)))` of
// the `std::tuple<...>(x, y)` it returns. A reference element refers to
// what the branch's returned expression designates; following it keeps
// kara-par-conflict, kara-sendable and a second run in agreement with the
// plan that made the code.

/// `std::get<I>(Tuple)`.
bool stdGet(const CallExpr *CE, unsigned &Index, const Expr *&Tuple) {
  const FunctionDecl *FD = CE->getDirectCallee();
  if (!FD || CE->getNumArgs() != 1 || !FD->isInStdNamespace() ||
      !FD->getIdentifier() || FD->getName() != "get")
    return false;
  const TemplateArgumentList *Args = FD->getTemplateSpecializationArgs();
  if (!Args || Args->size() < 1 ||
      Args->get(0).getKind() != TemplateArgument::Integral)
    return false;
  Index = static_cast<unsigned>(Args->get(0).getAsIntegral().getZExtValue());
  Tuple = CE->getArg(0);
  return true;
}

bool isStdMoveOrForward(const CallExpr *CE) {
  const FunctionDecl *FD = CE->getDirectCallee();
  return FD && CE->getNumArgs() == 1 && FD->isInStdNamespace() &&
         FD->getIdentifier() &&
         (FD->getName() == "move" || FD->getName() == "forward");
}

bool isStdTuple(QualType T) {
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  return RD && RD->isInStdNamespace() && RD->getIdentifier() &&
         RD->getName() == "tuple";
}

/// True if element `I` of the std::tuple type T is a reference.
bool tupleElementIsReference(QualType T, unsigned I) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec || !isStdTuple(T))
    return false;
  const TemplateArgumentList &Args = Spec->getTemplateArgs();
  if (Args.size() != 1 || Args[0].getKind() != TemplateArgument::Pack)
    return false;
  llvm::ArrayRef<TemplateArgument> Pack = Args[0].getPackAsArray();
  return I < Pack.size() && Pack[I].getKind() == TemplateArgument::Type &&
         Pack[I].getAsType()->isReferenceType();
}

/// The returned values of a body, nested lambdas aside (null for `return;`).
void collectReturns(const Stmt *S, llvm::SmallVectorImpl<const Expr *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (const auto *R = dyn_cast<ReturnStmt>(S)) {
    Out.push_back(R->getRetValue());
    return;
  }
  for (const Stmt *Child : S->children())
    collectReturns(Child, Out);
}

/// Element `I` of a tuple source (see tupleSource): the I-th non-void
/// branch's returned expression of a par, or argument I of a tuple built
/// from values. Null when not known.
const Expr *tupleElement(const Expr *Source, unsigned I) {
  if (const auto *CE = dyn_cast<CallExpr>(Source)) {
    unsigned K = 0;
    for (const Expr *Arg : CE->arguments()) {
      const auto *LE = dyn_cast<LambdaExpr>(Arg->IgnoreImplicit());
      if (!LE)
        return nullptr; // a branch that is no lambda: its type says nothing
      if (LE->getCallOperator()->getReturnType()->isVoidType())
        continue;
      if (K++ != I)
        continue;
      llvm::SmallVector<const Expr *, 2> Returns;
      collectReturns(LE->getBody(), Returns);
      return Returns.size() == 1 ? Returns.front() : nullptr;
    }
    return nullptr;
  }
  if (const auto *C = dyn_cast<CXXConstructExpr>(Source))
    return I < C->getNumArgs() ? C->getArg(I) : nullptr;
  return nullptr;
}

/// The expression a std::tuple value comes from, when it is a kara::par
/// result or a tuple built from values (through std::move, std::get of an
/// enclosing tuple and locals initialised with one); null otherwise.
const Expr *tupleSource(const Expr *E, unsigned Depth = 0) {
  if (!E || Depth > 8)
    return nullptr;
  E = E->IgnoreImplicit()->IgnoreParens()->IgnoreImplicit();
  if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
    return tupleSource(FC->getSubExpr(), Depth + 1);
  if (const auto *CE = dyn_cast<CallExpr>(E)) {
    if (isStdMoveOrForward(CE))
      return tupleSource(CE->getArg(0), Depth + 1);
    unsigned I;
    const Expr *Outer;
    if (stdGet(CE, I, Outer)) {
      const Expr *Src = tupleSource(Outer, Depth + 1);
      const Expr *Elem = Src ? tupleElement(Src, I) : nullptr;
      return Elem ? tupleSource(Elem, Depth + 1) : nullptr;
    }
    if (const runtime::EntryInfo *Entry = runtime::classify(CE))
      if (Entry->Id == runtime::Entry::Par ||
          Entry->Id == runtime::Entry::ParForced)
        return CE;
    return nullptr;
  }
  if (const auto *C = dyn_cast<CXXConstructExpr>(E)) {
    if (!isStdTuple(C->getType()))
      return nullptr;
    if (C->getConstructor()->isCopyOrMoveConstructor())
      return C->getNumArgs() ? tupleSource(C->getArg(0), Depth + 1) : nullptr;
    return C;
  }
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
    if (V && V->hasLocalStorage() && !V->getType()->isReferenceType() &&
        !isa<ParmVarDecl>(V) && V->getInit())
      return tupleSource(V->getInit(), Depth + 1);
  }
  return nullptr;
}

/// For `std::get<I>(t)` of a tuple source whose element I is a reference:
/// the expression that reference was bound to; null otherwise.
const Expr *referenceElementOfGet(const CallExpr *CE) {
  unsigned I;
  const Expr *Tuple;
  if (!stdGet(CE, I, Tuple) || !tupleElementIsReference(Tuple->getType(), I))
    return nullptr;
  const Expr *Src = tupleSource(Tuple);
  return Src ? tupleElement(Src, I) : nullptr;
}

/// For a reference binding of `auto [a, b] = <tuple source>`: the
/// expression it was bound to; null otherwise.
const Expr *referenceElementOfBinding(const BindingDecl *B) {
  const auto *DD = dyn_cast_or_null<DecompositionDecl>(B->getDecomposedDecl());
  if (!DD || !DD->getInit() || !isStdTuple(DD->getType()))
    return nullptr;
  unsigned I = 0;
  for (const BindingDecl *Each : DD->bindings()) {
    if (Each == B)
      break;
    ++I;
  }
  if (!tupleElementIsReference(DD->getType(), I))
    return nullptr;
  const Expr *Src = tupleSource(DD->getInit());
  return Src ? tupleElement(Src, I) : nullptr;
}

// Where what a function returns by reference, pointer or iterator lives,
// judged from its visible body (see referentOfCall).
constexpr int RootThis = -2, RootElsewhere = -1, RootNone = -3;

int joinRoots(int A, int B) {
  if (A == RootNone)
    return B;
  if (B == RootNone)
    return A;
  return A == B ? A : RootElsewhere;
}

int pointerRoot(const Expr *E, unsigned Depth);

/// The storage a glvalue inside a function body belongs to: `*this`
/// (members, `*this`), the argument of a reference parameter (its index),
/// or elsewhere (globals, statics, what a pointer or reference member
/// refers to, results of calls the rule cannot see into).
int glvalueRoot(const Expr *E, unsigned Depth) {
  if (!E || Depth > 16)
    return RootElsewhere;
  E = E->IgnoreParens();
  if (const auto *Cast = dyn_cast<CastExpr>(E)) {
    switch (Cast->getCastKind()) {
    case CK_NoOp:
    case CK_DerivedToBase:
    case CK_UncheckedDerivedToBase:
      return glvalueRoot(Cast->getSubExpr(), Depth + 1);
    default:
      return RootElsewhere;
    }
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!Field || Field->getType()->isReferenceType())
      return RootElsewhere;
    return ME->isArrow() ? pointerRoot(ME->getBase(), Depth + 1)
                         : glvalueRoot(ME->getBase(), Depth + 1);
  }
  if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E))
    return pointerRoot(ASE->getBase(), Depth + 1);
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return UO->getOpcode() == UO_Deref ? pointerRoot(UO->getSubExpr(), Depth + 1)
                                       : RootElsewhere;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *P = dyn_cast<ParmVarDecl>(DRE->getDecl());
    if (P && P->getType()->isReferenceType())
      return static_cast<int>(P->getFunctionScopeIndex());
    return RootElsewhere;
  }
  if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E))
    return joinRoots(glvalueRoot(CO->getTrueExpr(), Depth + 1),
                     glvalueRoot(CO->getFalseExpr(), Depth + 1));
  if (const auto *CE = dyn_cast<CallExpr>(E)) {
    // An element of a standard container member: `return items_[i];`.
    const Expr *Object = nullptr;
    bool Arrow = false;
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
      Object = MCE->getImplicitObjectArgument();
      const auto *Callee = dyn_cast<MemberExpr>(MCE->getCallee()->IgnoreParens());
      Arrow = Callee && Callee->isArrow();
    } else if (isa<CXXOperatorCallExpr>(CE) && CE->getNumArgs() &&
               isa_and_nonnull<CXXMethodDecl>(CE->getDirectCallee())) {
      Object = CE->getArg(0);
    }
    if (!Object)
      return RootElsewhere;
    QualType T = Object->IgnoreParenImpCasts()->getType();
    if (Arrow)
      T = T->getPointeeType();
    const auto *RD = T.isNull() ? nullptr : T->getAsCXXRecordDecl();
    if (!RD || !isOwningStdTemplate(RD))
      return RootElsewhere;
    return Arrow ? pointerRoot(Object, Depth + 1) : glvalueRoot(Object, Depth + 1);
  }
  return RootElsewhere;
}

/// The storage a returned pointer or iterator value points into.
int pointerRoot(const Expr *E, unsigned Depth) {
  if (!E || Depth > 16)
    return RootElsewhere;
  E = E->IgnoreParens();
  if (isa<CXXThisExpr>(E))
    return RootThis;
  if (isa<CXXNullPtrLiteralExpr>(E) || isa<GNUNullExpr>(E))
    return RootNone;
  if (const auto *Cast = dyn_cast<CastExpr>(E)) {
    switch (Cast->getCastKind()) {
    case CK_ArrayToPointerDecay:
      return glvalueRoot(Cast->getSubExpr(), Depth + 1);
    case CK_NullToPointer:
      return RootNone;
    case CK_LValueToRValue: {
      // A pointer parameter passed by value (never reassigned is not
      // checked: the rule is about what the caller's argument points to,
      // and a reassigned parameter is only ever used in its own body).
      const auto *DRE =
          dyn_cast<DeclRefExpr>(Cast->getSubExpr()->IgnoreParens());
      const auto *P = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
      if (P && P->getType()->isPointerType())
        return static_cast<int>(P->getFunctionScopeIndex());
      return RootElsewhere;
    }
    case CK_NoOp:
    case CK_DerivedToBase:
    case CK_UncheckedDerivedToBase:
    case CK_BitCast:
      return pointerRoot(Cast->getSubExpr(), Depth + 1);
    default:
      return RootElsewhere;
    }
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return UO->getOpcode() == UO_AddrOf ? glvalueRoot(UO->getSubExpr(), Depth + 1)
                                        : RootElsewhere;
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->isAdditiveOp())
      return pointerRoot(BO->getLHS()->getType()->isPointerType() ? BO->getLHS()
                                                                  : BO->getRHS(),
                         Depth + 1);
    return RootElsewhere;
  }
  if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E))
    return joinRoots(pointerRoot(CO->getTrueExpr(), Depth + 1),
                     pointerRoot(CO->getFalseExpr(), Depth + 1));
  // Iterators and pointers from a standard container member:
  // `return items_.begin();`, `return buf_.data();`.
  E = E->IgnoreImplicit();
  if (const auto *C = dyn_cast<CXXConstructExpr>(E))
    if (C->getNumArgs() == 1 && C->getConstructor()->isCopyOrMoveConstructor())
      return pointerRoot(C->getArg(0), Depth + 1);
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(E)) {
    const Expr *Object = MCE->getImplicitObjectArgument();
    const auto *Callee = dyn_cast<MemberExpr>(MCE->getCallee()->IgnoreParens());
    bool Arrow = Callee && Callee->isArrow();
    QualType T = Object ? Object->IgnoreParenImpCasts()->getType() : QualType();
    if (Arrow && !T.isNull())
      T = T->getPointeeType();
    const auto *RD = T.isNull() ? nullptr : T->getAsCXXRecordDecl();
    if (RD && isOwningStdTemplate(RD))
      return Arrow ? pointerRoot(Object, Depth + 1)
                   : glvalueRoot(Object, Depth + 1);
  }
  return RootElsewhere;
}


/// For a user function with a visible body that returns a reference, a
/// pointer or an iterator: where every returned value lives (RootThis, a
/// parameter index, or RootElsewhere). RootNone when the rule does not
/// apply (no visible body, standard library or system header code, which
/// keeps the documented assumption).
int returnedStorage(const FunctionDecl *Callee) {
  const FunctionDecl *Def = nullptr;
  if (!Callee || !Callee->hasBody(Def) || !Def->getBody())
    return RootNone;
  if (Def->isInStdNamespace() ||
      Def->getASTContext().getSourceManager().isInSystemHeader(
          Def->getLocation()))
    return RootNone;
  if (const auto *MD = dyn_cast<CXXMethodDecl>(Def))
    if (MD->getParent()->isInStdNamespace() || MD->getParent()->isLambda())
      return RootNone;
  QualType R = Def->getReturnType();
  llvm::SmallVector<const Expr *, 4> Returns;
  collectReturns(Def->getBody(), Returns);
  int Root = RootNone;
  for (const Expr *Value : Returns) {
    if (!Value)
      return RootElsewhere;
    Root = joinRoots(Root, R->isReferenceType() ? glvalueRoot(Value, 0)
                                                : pointerRoot(Value, 0));
    if (Root == RootElsewhere)
      return RootElsewhere;
  }
  return Root == RootNone ? RootNone : Root;
}

/// True if a call of the virtual MD by CE calls exactly MD.
bool isDevirtualized(const CallExpr *CE, const CXXMethodDecl *MD) {
  if (MD->hasAttr<FinalAttr>() || MD->getParent()->hasAttr<FinalAttr>())
    return true;
  const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE);
  if (!MCE)
    return false;
  const auto *ME = dyn_cast<MemberExpr>(MCE->getCallee()->IgnoreParens());
  if (!ME)
    return false;
  if (ME->hasQualifier())
    return true; // Base::f() calls exactly that function
  if (ME->isArrow())
    return false;
  // An object (not a reference) has a known dynamic type.
  const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Base))
    return !DRE->getDecl()->getType()->isReferenceType();
  return Base->isPRValue();
}

bool isImmutableGlobal(const VarDecl *V) {
  QualType T = V->getType();
  if (!T.isConstQualified() && !V->isConstexpr())
    return false;
  if (const auto *RD = T->getAsCXXRecordDecl())
    return RD->hasDefinition() && !RD->hasMutableFields();
  return true;
}

} // namespace

//===----------------------------------------------------------------------===//
// Owned memory (issue 13 §3)
//===----------------------------------------------------------------------===//

namespace {

bool isStdSmartPointer(QualType T) {
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(RD);
  if (!Spec || !RD->isInStdNamespace())
    return false;
  StringRef Name = Spec->getSpecializedTemplate()->getName();
  return Name == "unique_ptr" || Name == "shared_ptr";
}

/// A free function of the global namespace or of `std` called `Name`s.
bool isLibraryFunction(const FunctionDecl *FD,
                       llvm::ArrayRef<llvm::StringRef> Names) {
  if (!FD || !FD->getIdentifier() || isa<CXXMethodDecl>(FD))
    return false;
  const DeclContext *DC = FD->getDeclContext()->getRedeclContext();
  if (!DC->isTranslationUnit() && !FD->isInStdNamespace())
    return false;
  return llvm::is_contained(Names, FD->getName());
}

} // namespace

bool isFreshAllocation(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
    E = E->IgnoreParens();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(E)) {
      E = EWC->getSubExpr();
    } else if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E)) {
      E = BTE->getSubExpr();
    } else if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E)) {
      E = MTE->getSubExpr();
    } else if (const auto *Cast = dyn_cast<CastExpr>(E)) {
      // `(T *)malloc(n)`, derived-to-base, unique_ptr<Base> from <Derived>;
      // never a load of another pointer.
      if (Cast->getCastKind() == CK_LValueToRValue)
        return false;
      E = Cast->getSubExpr();
    } else if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      // `std::unique_ptr<T> p(new T)`, a converting or moving construction
      // from a fresh smart pointer.
      if (CE->getNumArgs() != 1 || !isStdSmartPointer(CE->getType()))
        return false;
      E = CE->getArg(0);
    } else {
      break;
    }
  }
  if (!E)
    return false;
  if (isa<CXXNewExpr>(E))
    return true;
  const auto *Call = dyn_cast<CallExpr>(E);
  const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
  if (FD && FD->isInStdNamespace() &&
      isLibraryFunction(FD, {"make_unique", "make_unique_for_overwrite",
                             "make_shared", "make_shared_for_overwrite",
                             "allocate_shared"}))
    return true;
  return isLibraryFunction(FD, {"malloc", "calloc", "aligned_alloc"});
}

namespace {

/// Finds a use of an owning local V that lets its pointer escape: anything
/// but dereferencing it (`*p`, `p->m`, `p[i]`, a smart pointer's `*`, `->`,
/// `[]`), testing it against null, `delete p` / `free(p)`, `p = nullptr`,
/// `up.reset()`, and capturing it by reference in a lambda (whose body is
/// held to the same rules).
class OwnerEscapeFinder : public RecursiveASTVisitor<OwnerEscapeFinder> {
public:
  explicit OwnerEscapeFinder(const VarDecl *V) : V(V) {}
  bool escapesIn(const Stmt *Body) {
    TraverseStmt(const_cast<Stmt *>(Body));
    return Escapes;
  }

  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() == UO_Deref || UO->getOpcode() == UO_LNot)
      allow(UO->getSubExpr());
    return true;
  }
  bool VisitMemberExpr(MemberExpr *ME) {
    if (ME->isArrow())
      allow(ME->getBase());
    return true;
  }
  bool VisitArraySubscriptExpr(ArraySubscriptExpr *ASE) {
    allow(ASE->getBase());
    return true;
  }
  bool VisitCXXDeleteExpr(CXXDeleteExpr *DE) {
    allow(DE->getArgument());
    return true;
  }
  bool VisitImplicitCastExpr(ImplicitCastExpr *Cast) {
    if (Cast->getCastKind() == CK_PointerToBoolean)
      allow(Cast->getSubExpr());
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    bool NullRHS = isNull(BO->getRHS()), NullLHS = isNull(BO->getLHS());
    if (BO->getOpcode() == BO_Assign && NullRHS)
      allow(BO->getLHS());
    if (BO->isEqualityOp() && (NullRHS || NullLHS))
      allow(NullRHS ? BO->getLHS() : BO->getRHS());
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    if (CE->getNumArgs() == 1 &&
        isLibraryFunction(CE->getDirectCallee(), {"free"}))
      allow(CE->getArg(0));
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(CE);
        Op && Op->getNumArgs() >= 1) {
      OverloadedOperatorKind K = Op->getOperator();
      if (K == OO_Star || K == OO_Arrow || K == OO_Subscript)
        allow(Op->getArg(0));
      if ((K == OO_EqualEqual || K == OO_ExclaimEqual) &&
          Op->getNumArgs() == 2 &&
          (isNull(Op->getArg(0)) || isNull(Op->getArg(1))))
        allow(isNull(Op->getArg(1)) ? Op->getArg(0) : Op->getArg(1));
    }
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
      const CXXMethodDecl *M = MCE->getMethodDecl();
      bool Reset = M && M->getIdentifier() && M->getName() == "reset" &&
                   MCE->getNumArgs() == 0;
      bool ToBool =
          M && isa<CXXConversionDecl>(M) && M->getReturnType()->isBooleanType();
      if (Reset || ToBool)
        allow(MCE->getImplicitObjectArgument());
    }
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *LE) {
    auto Init = LE->capture_init_begin();
    for (const LambdaCapture &C : LE->captures()) {
      if (C.capturesVariable() && C.getCaptureKind() == LCK_ByRef &&
          Init != LE->capture_init_end() && *Init)
        allow(*Init);
      ++Init;
    }
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (DRE->getDecl()->getCanonicalDecl() == V && !Allowed.count(DRE))
      Escapes = true;
    return !Escapes;
  }

private:
  bool isNull(const Expr *E) const {
    return E->IgnoreParenImpCasts()->isNullPointerConstant(
               V->getASTContext(), Expr::NPC_ValueDependentIsNotNull) !=
           Expr::NPCK_NotNull;
  }
  void allow(const Expr *E) {
    // Conversions that keep the pointer: loads, to void * (free), to a base
    // (a smart pointer's operators are members of its bases).
    for (unsigned Depth = 0; E && Depth < 8; ++Depth) {
      E = E->IgnoreParens();
      const auto *Cast = dyn_cast<ImplicitCastExpr>(E);
      if (!Cast)
        break;
      CastKind K = Cast->getCastKind();
      if (K != CK_LValueToRValue && K != CK_NoOp && K != CK_BitCast &&
          K != CK_DerivedToBase && K != CK_UncheckedDerivedToBase)
        break;
      E = Cast->getSubExpr();
    }
    if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
      if (DRE->getDecl()->getCanonicalDecl() == V)
        Allowed.insert(DRE);
  }

  const VarDecl *V;
  llvm::SmallPtrSet<const DeclRefExpr *, 8> Allowed;
  bool Escapes = false;
};

} // namespace

bool ownsFreshObject(const VarDecl *V) {
  if (!V)
    return false;
  V = V->getCanonicalDecl();
  if (!V->hasLocalStorage() || isa<ParmVarDecl>(V) ||
      isa<DecompositionDecl>(V) || V->getType()->isReferenceType())
    return false;
  if (!V->getType()->isPointerType() && !isStdSmartPointer(V->getType()))
    return false;
  const VarDecl *WithInit = V->getInitializingDeclaration();
  if (!WithInit || !isFreshAllocation(WithInit->getInit()))
    return false;
  const FunctionDecl *Owner = owningFunction(V);
  const FunctionDecl *Def = nullptr;
  if (!Owner || !Owner->hasBody(Def) || !Def->getBody())
    return false;
  return !OwnerEscapeFinder(V).escapesIn(Def->getBody());
}

struct CallSite {
  const FunctionDecl *Callee = nullptr; // canonical; null when Indirect
  bool Indirect = false;
  std::string IndirectWhat;
  bool HasThis = false;
  std::optional<Target> ThisArg;
  std::vector<std::optional<Target>> Args; // per callee parameter
  SourceLocation Loc;
};

struct EffectAnalysis::LocalInfo {
  std::vector<EffectEntry> Accesses;
  std::vector<CallSite> Calls;
};

const Reason *FunctionSummary::reasonFor(const Effect &E) const {
  for (const EffectEntry &Entry : Entries)
    if (Entry.E == E)
      return &Entry.Why;
  for (const EffectEntry &Entry : Entries)
    if (Entry.E.covers(E))
      return &Entry.Why;
  return nullptr;
}

namespace {

/// Collects what a body (or one statement) does in the context of a function:
/// direct accesses to targets, and calls with the targets their arguments
/// designate.
class BodyCollector {
public:
  BodyCollector(const FunctionDecl *Fn, EffectAnalysis &A,
                EffectAnalysis::LocalInfo &Out)
      : Fn(canonical(Fn)), A(A), DB(A.database()), Out(Out) {
    if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Fn))
      if (MD->getParent()->isLambda())
        Closure = MD->getParent();
  }

  void visit(const Stmt *S) {
    if (!S)
      return;
    if (const auto *E = dyn_cast<Expr>(S))
      return visitExpr(E);
    if (const auto *DS = dyn_cast<DeclStmt>(S)) {
      for (const Decl *D : DS->decls())
        if (const auto *V = dyn_cast<VarDecl>(D))
          visitVarDecl(V);
      return;
    }
    if (isa<AsmStmt>(S)) {
      addAccess(Effect::unknown(), S->getBeginLoc(), Reason::Kind::InlineAsm,
                "inline assembly");
      return;
    }
    if (const auto *Try = dyn_cast<CXXTryStmt>(S)) {
      visit(Try->getTryBlock());
      for (unsigned I = 0; I < Try->getNumHandlers(); ++I)
        visit(Try->getHandler(I)->getHandlerBlock());
      return;
    }
    for (const Stmt *Child : S->children())
      visit(Child);
  }

  /// True if a structured binding names a bit-field or a union member.
  static bool sharesLocation(const BindingDecl *B) {
    const Expr *E = B->getBinding();
    const auto *ME =
        E ? dyn_cast<MemberExpr>(E->IgnoreParenImpCasts()) : nullptr;
    const auto *Field = ME ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
    return Field && (Field->isBitField() || Field->getParent()->isUnion());
  }

  /// The object a glvalue expression denotes; nullopt for temporaries and
  /// values that are no object.
  std::optional<Target> designate(const Expr *E, unsigned Depth = 0) {
    if (!E || Depth > 32)
      return Target::unknown();
    E = E->IgnoreParens();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
        return varTarget(V, Depth);
      if (const auto *B = dyn_cast<BindingDecl>(DRE->getDecl())) {
        // A binding names part of the decomposed object, unless its type is
        // a reference (a reference member, a std::tie element): then it
        // refers to storage the object does not own.
        const auto *DD = dyn_cast_or_null<VarDecl>(B->getDecomposedDecl());
        if (!DD || B->getType().isNull())
          return Target::unknown();
        if (B->getType()->isReferenceType()) {
          if (const Expr *Bound = referenceElementOfBinding(B))
            return designate(Bound, Depth + 1);
          return Target::unknown();
        }
        std::optional<Target> Whole = varTarget(DD, Depth);
        // Each binding is its own element or member (its own memory
        // location), so `auto [a, b] = kara::par(...)` keeps a and b as
        // distinct as the variables the rewrite made them from; a bit-field
        // or union member shares its location with its neighbours.
        if (!Whole || sharesLocation(B))
          return Whole;
        return withMembers(*Whole, {B->getNameAsString()});
      }
      return std::nullopt; // functions, enumerators
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      const ValueDecl *Member = ME->getMemberDecl();
      if (const auto *V = dyn_cast<VarDecl>(Member))
        return varTarget(V, Depth); // static data member
      std::optional<Target> Base = ME->isArrow()
                                       ? pointee(ME->getBase(), Depth + 1)
                                       : designate(ME->getBase(), Depth + 1);
      const auto *Field = dyn_cast<FieldDecl>(Member);
      if (!Base || !Field)
        return Base;
      // A reference member designates its referent, which the object does
      // not own: two objects may refer to the same one.
      if (Field->getType()->isReferenceType())
        return referentOf(Field->getType().getNonReferenceType(),
                          Field->getASTContext());
      // Bit-fields share a memory location with their neighbours, union
      // members overlap: both stand for the whole object.
      if (Field->isBitField() || Field->getParent()->isUnion() ||
          Field->getName().empty())
        return Base;
      return withMembers(*Base, {Field->getNameAsString()});
    }
    if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E))
      return pointee(ASE->getBase(), Depth + 1);
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_Deref)
        return pointee(UO->getSubExpr(), Depth + 1);
      if (UO->isPrefix() && UO->isIncrementDecrementOp())
        return designate(UO->getSubExpr(), Depth + 1);
      if (UO->getOpcode() == UO_Extension)
        return designate(UO->getSubExpr(), Depth + 1);
      return std::nullopt;
    }
    if (const auto *Cast = dyn_cast<CastExpr>(E)) {
      switch (Cast->getCastKind()) {
      case CK_NoOp:
      case CK_DerivedToBase:
      case CK_UncheckedDerivedToBase:
      case CK_BaseToDerived:
      case CK_LValueBitCast:
      case CK_Dynamic:
        if (E->isGLValue())
          return designate(Cast->getSubExpr(), Depth + 1);
        return std::nullopt;
      default:
        return std::nullopt;
      }
    }
    if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E)) {
      if (!E->isGLValue())
        return std::nullopt;
      return merge(designate(CO->getTrueExpr(), Depth + 1),
                   designate(CO->getFalseExpr(), Depth + 1));
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->getOpcode() == BO_Comma)
        return designate(BO->getRHS(), Depth + 1);
      if (BO->isAssignmentOp())
        return designate(BO->getLHS(), Depth + 1);
      return std::nullopt;
    }
    if (const auto *CE = dyn_cast<CallExpr>(E)) {
      if (!E->isGLValue())
        return std::nullopt;
      if (const Expr *Bound = referenceElementOfGet(CE))
        return designate(Bound, Depth + 1);
      return referentOfCall(CE, Depth);
    }
    if (const auto *OVE = dyn_cast<OpaqueValueExpr>(E))
      return OVE->getSourceExpr() ? designate(OVE->getSourceExpr(), Depth + 1)
                                  : Target::unknown();
    if (const auto *DAE = dyn_cast<CXXDefaultArgExpr>(E))
      return designate(DAE->getExpr(), Depth + 1);
    if (const auto *DIE = dyn_cast<CXXDefaultInitExpr>(E))
      return designate(DIE->getExpr(), Depth + 1);
    if (isa<MaterializeTemporaryExpr>(E) || isa<StringLiteral>(E) ||
        isa<CompoundLiteralExpr>(E) || isa<PredefinedExpr>(E))
      return std::nullopt;
    if (E->isPRValue())
      return std::nullopt;
    return Target::unknown();
  }

  /// What a pointer (or iterator) value points to.
  std::optional<Target> pointee(const Expr *E, unsigned Depth = 0) {
    if (!E || Depth > 32)
      return Target::unknown();
    E = E->IgnoreParens();
    if (const auto *Cast = dyn_cast<CastExpr>(E)) {
      switch (Cast->getCastKind()) {
      case CK_ArrayToPointerDecay:
        return designate(Cast->getSubExpr(), Depth + 1);
      case CK_LValueToRValue:
        return pointeeOfStored(Cast->getSubExpr(), Depth + 1);
      case CK_NullToPointer:
      case CK_FunctionToPointerDecay:
      case CK_IntegralToPointer:
        return std::nullopt;
      case CK_ConstructorConversion:
      case CK_UserDefinedConversion:
        return Target::unknown();
      default:
        return pointee(Cast->getSubExpr(), Depth + 1);
      }
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_AddrOf)
        return designate(UO->getSubExpr(), Depth + 1);
      if (UO->isIncrementDecrementOp())
        return pointeeOfStored(UO->getSubExpr(), Depth + 1);
      return Target::unknown();
    }
    if (isa<CXXThisExpr>(E))
      return Target::thisObject();
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->isAdditiveOp() || BO->isCompoundAssignmentOp()) {
        const Expr *Ptr = BO->getLHS()->getType()->isPointerType()
                              ? BO->getLHS()
                              : BO->getRHS();
        return BO->isCompoundAssignmentOp() ? pointeeOfStored(Ptr, Depth + 1)
                                            : pointee(Ptr, Depth + 1);
      }
      if (BO->getOpcode() == BO_Comma)
        return pointee(BO->getRHS(), Depth + 1);
      if (BO->getOpcode() == BO_Assign)
        return pointee(BO->getRHS(), Depth + 1);
      return Target::unknown();
    }
    if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E))
      return merge(pointee(CO->getTrueExpr(), Depth + 1),
                   pointee(CO->getFalseExpr(), Depth + 1));
    // A defaulted pointer argument (`std::stoi(s)`'s `idx = nullptr`).
    if (const auto *DAE = dyn_cast<CXXDefaultArgExpr>(E))
      return pointee(DAE->getExpr(), Depth + 1);
    if (isa<CXXNullPtrLiteralExpr>(E) || isa<GNUNullExpr>(E) ||
        isa<IntegerLiteral>(E) || isa<CXXNewExpr>(E))
      return std::nullopt;
    if (isa<StringLiteral>(E))
      return std::nullopt;
    // Iterators and other pointer-like objects.
    if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
      return pointee(MTE->getSubExpr(), Depth + 1);
    if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E))
      return pointee(BTE->getSubExpr(), Depth + 1);
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      if (CE->getNumArgs() >= 1 &&
          CE->getConstructor()->isCopyOrMoveConstructor())
        return pointee(CE->getArg(0), Depth + 1);
      return Target::unknown();
    }
    if (const auto *CE = dyn_cast<CallExpr>(E))
      return referentOfCall(CE, Depth);
    if (E->isGLValue() && isHandleClass(E->getType()))
      return pointeeOfStored(E, Depth + 1);
    // unique_ptr, optional: what they point to is theirs.
    if (E->isGLValue() && isPointerLikeClass(E->getType()))
      return designate(E, Depth + 1);
    return Target::unknown();
  }

  void visitExpr(const Expr *E) {
    E = E->IgnoreParens();
    if (const auto *LE = dyn_cast<LambdaExpr>(E)) {
      // Creating a closure copies the by-copy captures; the body runs when
      // the closure is called.
      for (const Expr *Init : LE->capture_inits())
        visit(Init);
      return;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->isAssignmentOp()) {
        addWrite(designate(BO->getLHS()), BO->getLHS());
        visitLValue(BO->getLHS());
        visit(BO->getRHS());
        return;
      }
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->isIncrementDecrementOp()) {
        addWrite(designate(UO->getSubExpr()), UO->getSubExpr());
        visitLValue(UO->getSubExpr());
        return;
      }
      if (UO->getOpcode() == UO_AddrOf) {
        visitLValue(UO->getSubExpr());
        return;
      }
    }
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(E)) {
      if (Cast->getCastKind() == CK_LValueToRValue ||
          Cast->getCastKind() == CK_LValueToRValueBitCast) {
        addRead(designate(Cast->getSubExpr()), Cast->getSubExpr());
        visitLValue(Cast->getSubExpr());
        return;
      }
    }
    if (const auto *CE = dyn_cast<CallExpr>(E))
      return visitCall(CE);
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
      return visitConstruct(CE);
    if (const auto *DE = dyn_cast<CXXDeleteExpr>(E)) {
      std::optional<Target> Object = deletedObject(DE->getArgument());
      addWrite(Object, DE);
      if (const CXXRecordDecl *RD =
              DE->getDestroyedType()->getAsCXXRecordDecl())
        if (RD->hasDefinition())
          if (const CXXDestructorDecl *Dtor = RD->getDestructor())
            addCall(Dtor, true, Object, {}, DE->getBeginLoc());
      visit(DE->getArgument());
      return;
    }
    if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E)) {
      const CXXDestructorDecl *Dtor = BTE->getTemporary()->getDestructor();
      if (Dtor)
        addCall(Dtor, true, std::nullopt, {}, BTE->getBeginLoc());
      visit(BTE->getSubExpr());
      return;
    }
    if (const auto *DAE = dyn_cast<CXXDefaultArgExpr>(E))
      return visit(DAE->getExpr());
    if (const auto *DIE = dyn_cast<CXXDefaultInitExpr>(E))
      return visit(DIE->getExpr());
    if (const auto *OVE = dyn_cast<OpaqueValueExpr>(E))
      return visit(OVE->getSourceExpr());
    if (isa<CXXPseudoDestructorExpr>(E) || isa<UnaryExprOrTypeTraitExpr>(E) ||
        isa<CXXNoexceptExpr>(E) || isa<CXXTypeidExpr>(E))
      return; // unevaluated operands
    for (const Stmt *Child : E->children())
      visit(Child);
  }

private:
  /// Visits the parts of a glvalue that are evaluated without reading the
  /// object itself: index expressions, pointers that are dereferenced.
  void visitLValue(const Expr *E) {
    E = E->IgnoreParens();
    if (isa<DeclRefExpr>(E))
      return;
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (ME->isArrow())
        visit(ME->getBase());
      else
        visitLValue(ME->getBase());
      return;
    }
    if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
      const Expr *Base = ASE->getBase()->IgnoreParens();
      if (const auto *Decay = dyn_cast<ImplicitCastExpr>(Base);
          Decay && Decay->getCastKind() == CK_ArrayToPointerDecay)
        visitLValue(Decay->getSubExpr());
      else
        visit(ASE->getBase());
      visit(ASE->getIdx());
      return;
    }
    if (const auto *Cast = dyn_cast<CastExpr>(E); Cast && Cast->isGLValue()) {
      visitLValue(Cast->getSubExpr());
      return;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E);
        UO && UO->getOpcode() == UO_Deref) {
      visit(UO->getSubExpr());
      return;
    }
    visit(E);
  }

  void visitVarDecl(const VarDecl *V) {
    if (const Expr *Init = V->getInit()) {
      if (V->getType()->isReferenceType())
        visitLValue(Init);
      else
        visit(Init);
    }
    if (!V->hasLocalStorage())
      return;
    if (const CXXRecordDecl *RD = V->getType()->getAsCXXRecordDecl())
      if (RD->hasDefinition() && !RD->hasTrivialDestructor())
        if (const CXXDestructorDecl *Dtor = RD->getDestructor())
          addCall(Dtor, true, varTarget(V, 0), {}, V->getLocation());
  }

  /// The target bound to a parameter of type `ParamType` by argument `Arg`.
  std::optional<Target> argumentTarget(QualType ParamType, const Expr *Arg) {
    if (ParamType->isReferenceType())
      return designate(Arg);
    if (isPointerLike(ParamType))
      return pointee(Arg);
    return std::nullopt; // a copy: its reads are visited at the call site
  }

  /// Per parameter, the targets its argument may be bound to: one, or one
  /// per arm of a conditional (`c ? a : b`), which a single target could
  /// only describe as `unknown`.
  using ArgumentAlternatives = std::vector<std::vector<std::optional<Target>>>;
  std::vector<std::optional<Target>> argumentAlternatives(QualType ParamType,
                                                          const Expr *Arg,
                                                          unsigned Depth = 0) {
    const auto *CO = dyn_cast<AbstractConditionalOperator>(Arg->IgnoreParens());
    bool ByReference = ParamType->isReferenceType();
    if (!CO || Depth > 2 || (ByReference && !CO->isGLValue()) ||
        (!ByReference && !isPointerLike(ParamType)))
      return {argumentTarget(ParamType, Arg)};
    std::vector<std::optional<Target>> Result =
        argumentAlternatives(ParamType, CO->getTrueExpr(), Depth + 1);
    for (std::optional<Target> &T :
         argumentAlternatives(ParamType, CO->getFalseExpr(), Depth + 1))
      Result.push_back(std::move(T));
    return Result;
  }

  void visitArgument(QualType ParamType, const Expr *Arg) {
    if (ParamType->isReferenceType())
      visitLValue(Arg);
    else
      visit(Arg);
  }

  void visitCall(const CallExpr *CE) {
    // `p->~T()` on a scalar destroys nothing.
    if (const auto *PD = dyn_cast<CXXPseudoDestructorExpr>(
            CE->getCallee()->IgnoreParens())) {
      visit(PD->getBase());
      return;
    }
    const FunctionDecl *Callee = CE->getDirectCallee();
    const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Callee);
    bool HasThis = Method && !Method->isStatic() &&
                   !Method->isExplicitObjectMemberFunction();
    std::optional<Target> ThisArg;
    unsigned FirstArg = 0;
    const Expr *ObjectExpr = nullptr;
    bool ObjectIsPointer = false;

    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
      ObjectExpr = MCE->getImplicitObjectArgument();
      if (const auto *ME =
              dyn_cast<MemberExpr>(MCE->getCallee()->IgnoreParens()))
        ObjectIsPointer = ME->isArrow();
    } else if (isa<CXXOperatorCallExpr>(CE) && HasThis && CE->getNumArgs()) {
      ObjectExpr = CE->getArg(0);
      FirstArg = 1;
    }
    if (const runtime::EntryInfo *Entry = runtime::classify(CE);
        Entry && Entry->Receiver != runtime::ReceiverEffect::NoEffect &&
        ObjectExpr) {
      visitReceiverCall(CE, *Entry, ObjectExpr, ObjectIsPointer);
      return;
    }
    if (Callee && runtime::isRuntimeCode(Callee))
      addRuntimeCallables(CE);
    if (HasThis && ObjectExpr) {
      ThisArg = ObjectIsPointer ? pointee(ObjectExpr) : designate(ObjectExpr);
      if (ObjectIsPointer)
        visit(ObjectExpr);
      else
        visitLValue(ObjectExpr);
    }

    ArgumentAlternatives Args;
    for (unsigned I = FirstArg; I < CE->getNumArgs(); ++I) {
      const Expr *Arg = CE->getArg(I);
      unsigned ParamIndex = I - FirstArg;
      if (Callee && ParamIndex < Callee->getNumParams()) {
        QualType PT = Callee->getParamDecl(ParamIndex)->getType();
        Args.push_back(argumentAlternatives(PT, Arg));
        visitArgument(PT, Arg);
      } else {
        visit(Arg); // variadic: read by value
      }
    }

    if (!Callee) {
      visit(CE->getCallee());
      addIndirect(CE->getBeginLoc(), "a call through a function pointer");
      return;
    }
    if (visitCallOnce(CE, Callee))
      return;
    if (Method && Method->isVirtual() && !isDevirtualized(CE, Method) &&
        !declaredEffects(Method)) {
      // Issue 13 §2: a closed hierarchy runs one of its visible overriders.
      if (std::optional<std::vector<const CXXMethodDecl *>> Overriders =
              A.visibleOverriders(Method)) {
        for (const CXXMethodDecl *M : *Overriders)
          addCalls(M, HasThis, ThisArg, Args, CE->getBeginLoc());
        return;
      }
      addIndirect(CE->getBeginLoc(), "a virtual call to '" +
                                         EffectAnalysis::displayName(Method) +
                                         "' (its overriders are not known)");
      return;
    }
    addCalls(Callee, HasThis, ThisArg, Args, CE->getBeginLoc());
  }

  /// The runtime runs the callables it is given (kara::par's branches, a
  /// scope's body, tasks, kara::map's function) before it returns or while
  /// the caller's scope lasts: their effects are the call's, whatever the
  /// runtime's own code is summarised as (its `kara::detail` functions are
  /// pure in the database). A closure's by-copy captures are its own; a
  /// parameter the runtime passes is the runtime's object (a nursery) or a
  /// value, except references and pointers, which may be the caller's data
  /// (elements of a range): unknown.
  void addRuntimeCallables(const CallExpr *CE) {
    for (const Expr *Arg : CE->arguments()) {
      const Expr *E = Arg;
      for (unsigned I = 0; I < 8 && E; ++I) {
        const Expr *Before = E;
        E = E->IgnoreParenImpCasts();
        if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
          E = MTE->getSubExpr();
        else if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E))
          E = BTE->getSubExpr();
        else if (const auto *EWC = dyn_cast<ExprWithCleanups>(E))
          E = EWC->getSubExpr();
        if (E == Before)
          break;
      }
      if (!E)
        continue;
      QualType T = E->getType().getNonReferenceType();
      if (T->isFunctionType() || T->isFunctionPointerType()) {
        const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
        const auto *FD = DRE ? dyn_cast<FunctionDecl>(DRE->getDecl()) : nullptr;
        if (!FD) {
          addIndirect(CE->getBeginLoc(), "a function pointer given to '" +
                                             EffectAnalysis::displayName(
                                                 CE->getDirectCallee()) +
                                             "'");
          continue;
        }
        addCall(FD, false, std::nullopt, callableArguments(FD),
                CE->getBeginLoc());
        continue;
      }
      const auto *RD = T->getAsCXXRecordDecl();
      if (!RD || !RD->hasDefinition() || runtime::isRuntimeType(T))
        continue;
      if (RD->isLambda()) {
        const CXXMethodDecl *Op = RD->getLambdaCallOperator();
        if (!Op || RD->isGenericLambda()) {
          addIndirect(CE->getBeginLoc(),
                      "a generic lambda given to '" +
                          EffectAnalysis::displayName(CE->getDirectCallee()) +
                          "'");
          continue;
        }
        addCall(Op, true, std::nullopt, callableArguments(Op),
                CE->getBeginLoc());
        continue;
      }
      // Another object with a call operator (std::function, a functor).
      bool Callable = false;
      for (const CXXMethodDecl *M : RD->methods())
        Callable |= M->getOverloadedOperator() == OO_Call;
      if (Callable)
        addIndirect(CE->getBeginLoc(),
                    "a callable object given to '" +
                        EffectAnalysis::displayName(CE->getDirectCallee()) +
                        "'");
    }
  }

  static std::vector<std::optional<Target>>
  callableArguments(const FunctionDecl *FD) {
    std::vector<std::optional<Target>> Args;
    for (const ParmVarDecl *P : FD->parameters()) {
      QualType PT = P->getType();
      if (runtime::isRuntimeType(PT) ||
          (!PT->isReferenceType() && !isPointerLike(PT)))
        Args.push_back(std::nullopt);
      else
        Args.push_back(Target::unknown());
    }
    return Args;
  }

  /// `std::call_once(flag, f, args...)` writes the flag and runs
  /// `f(args...)` (at most once: its effects are those of one call). Its
  /// body (pthread_once on a thread-local pointer to the callable) says
  /// nothing an analysis can follow, so it is modelled here; visitCall has
  /// visited the arguments as the forwarding references they bind. Handles a
  /// lambda (not generic), a closure variable, a function and a member function
  /// with its object; false otherwise (the body is analysed: `unknown`).
  bool visitCallOnce(const CallExpr *CE, const FunctionDecl *Callee) {
    if (!Callee->isInStdNamespace() || !Callee->getIdentifier() ||
        Callee->getName() != "call_once" || isa<CXXMethodDecl>(Callee) ||
        CE->getNumArgs() < 2)
      return false;
    const Expr *Callable = CE->getArg(1)->IgnoreImplicit()->IgnoreParens();
    const FunctionDecl *F = nullptr;
    bool FHasThis = false;
    std::optional<Target> FThis;
    unsigned First = 2;
    if (const auto *LE = dyn_cast<LambdaExpr>(Callable)) {
      F = LE->getCallOperator();
      FHasThis = true; // a temporary closure: its own copies are private
    } else if (const CXXRecordDecl *RD =
                   Callable->getType()->getAsCXXRecordDecl();
               RD && RD->isLambda() && Callable->isGLValue()) {
      F = RD->getLambdaCallOperator();
      FHasThis = true;
      FThis = designate(Callable);
    } else {
      const Expr *Fn = Callable;
      if (const auto *UO = dyn_cast<UnaryOperator>(Fn);
          UO && UO->getOpcode() == UO_AddrOf)
        Fn = UO->getSubExpr()->IgnoreParens();
      const auto *DRE = dyn_cast<DeclRefExpr>(Fn);
      F = DRE ? dyn_cast<FunctionDecl>(DRE->getDecl()) : nullptr;
      const auto *MD = dyn_cast_or_null<CXXMethodDecl>(F);
      if (MD && !MD->isStatic()) {
        if (MD->isVirtual() || CE->getNumArgs() < 3)
          return false;
        // A prvalue (`this`) is materialised to bind the forwarding
        // reference: look through that.
        const Expr *Object = CE->getArg(2)->IgnoreImplicit();
        FHasThis = true;
        if (!Object->getType()->isPointerType() && !Object->isGLValue())
          return false;
        FThis = !Object->getType()->isPointerType() ? designate(Object)
                : Object->isGLValue()               ? pointeeOfStored(Object, 0)
                                                    : pointee(Object);
        First = 3;
      }
    }
    if (!F || F->isTemplated() || F->isVariadic() ||
        CE->getNumArgs() - First != F->getNumParams())
      return false;
    ArgumentAlternatives Args;
    for (unsigned I = First; I < CE->getNumArgs(); ++I) {
      const Expr *Arg = CE->getArg(I)->IgnoreImplicit();
      QualType PT = F->getParamDecl(I - First)->getType();
      if (PT->isReferenceType()) {
        Args.push_back(argumentAlternatives(PT, Arg));
      } else if (PT->isScalarType()) {
        // A copy made inside call_once from the forwarded argument: a read
        // of it; a pointer keeps pointing where the argument does.
        std::optional<Target> Copied =
            Arg->isGLValue() ? designate(Arg) : std::nullopt;
        if (Copied)
          addRead(Copied, Arg);
        Args.push_back({PT->isPointerType() && Arg->isGLValue()
                            ? pointeeOfStored(Arg, 0)
                            : argumentTarget(PT, Arg)});
      } else {
        return false; // a class copied or moved from the argument
      }
    }
    addWrite(designate(CE->getArg(0)), CE->getArg(0));
    addCalls(F, FHasThis, FThis, Args, CE->getBeginLoc());
    return true;
  }

  /// A message to an actor or an operation on a channel (RuntimeApi.def,
  /// Receiver): an effect on the actor or channel the handle designates,
  /// ordered by the runtime; the arguments are evaluated (copied) here, and
  /// the handler runs on the actor, so its effects on the actor's state are
  /// none of the caller's.
  void visitReceiverCall(const CallExpr *CE, const runtime::EntryInfo &Entry,
                         const Expr *Handle, bool HandleIsPointer) {
    std::optional<Target> On =
        HandleIsPointer ? Target::unknown() : pointee(Handle);
    if (HandleIsPointer)
      visit(Handle);
    else
      visitLValue(Handle);
    if (On) {
      bool Writes = runtime::receiverEffect(Entry, CE) ==
                    runtime::ReceiverEffect::WritesReceiver;
      addAccess(Writes ? Effect::write(*On) : Effect::read(*On),
                CE->getExprLoc(), Reason::Kind::Access,
                (Writes ? "writes " : "reads ") + accessed(*On, Handle) + " (" +
                    Entry.Display.str() + ")");
      Out.Accesses.back().Why.Callee = CE->getDirectCallee();
    }
    for (const Expr *Arg : CE->arguments())
      visit(Arg);
  }

  void visitConstruct(const CXXConstructExpr *CE) {
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    ArgumentAlternatives Args;
    for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
      const Expr *Arg = CE->getArg(I);
      if (I < Ctor->getNumParams()) {
        QualType PT = Ctor->getParamDecl(I)->getType();
        Args.push_back(argumentAlternatives(PT, Arg));
        visitArgument(PT, Arg);
      } else {
        visit(Arg);
      }
    }
    // The object under construction is not visible to anyone else yet.
    addCalls(Ctor, /*HasThis=*/true, std::nullopt, Args, CE->getBeginLoc());
  }

  std::optional<Target> varTarget(const VarDecl *V, unsigned Depth) {
    V = V->getCanonicalDecl();
    if (OwnObjects.count(V))
      return Target::local(V, V->getNameAsString());
    if (V->hasGlobalStorage() && !V->isStaticLocal()) {
      if (isImmutableGlobal(V) || isRuntimeInternal(V))
        return std::nullopt;
      std::string Name = EffectAnalysis::databaseName(V);
      if (std::optional<std::string> Renamed = DB.lookupVariable(Name))
        return Target::resource(*Renamed);
      return Target::resource(Name);
    }
    if (V->isStaticLocal()) {
      if (isImmutableGlobal(V))
        return std::nullopt;
      return Target::resource(EffectAnalysis::databaseName(V));
    }
    const FunctionDecl *Owner = owningFunction(V);
    if (Closure && Owner != Fn) {
      // A variable of an enclosing function, used inside a lambda.
      for (const LambdaCapture &C : Closure->captures())
        if (C.capturesVariable() && C.getCapturedVar() &&
            C.getCapturedVar()->getCanonicalDecl() == V &&
            C.getCaptureKind() == LCK_ByCopy)
          return Target::thisObject({V->getNameAsString()});
    }
    if (const auto *P = dyn_cast<ParmVarDecl>(V)) {
      if (Owner == Fn && P->getType()->isReferenceType())
        return paramTarget(P);
      // An enclosing function's reference parameter, captured by reference
      // by this lambda: the enclosing function's variable, which
      // mapToCaller turns back into that function's parameter.
      if (Owner != Fn && P->getType()->isReferenceType())
        return Closure ? Target::local(V, V->getNameAsString())
                       : Target::unknown();
      return A.localTarget(V);
    }
    if (V->getType()->isReferenceType()) {
      if (!V->getInit() || !V->hasLocalStorage())
        return Target::unknown();
      if (!InProgress.insert(V).second)
        return Target::unknown();
      std::optional<Target> Bound = designate(V->getInit(), Depth + 1);
      InProgress.erase(V);
      if (Owner == Fn)
        return Bound;
      // A reference of an enclosing function, or of a branch lambda seen
      // through its result: never reseated, so it designates what its
      // initialiser did, when that is a name meaning the same here (a local
      // or a global); `this`, parameters and temporaries do not.
      if (Bound && (Bound->TargetKind == Target::Kind::Local ||
                    Bound->TargetKind == Target::Kind::Resource ||
                    Bound->TargetKind == Target::Kind::Referent))
        return Bound;
      return Target::unknown();
    }
    return A.localTarget(V);
  }

  Target paramTarget(const ParmVarDecl *P) {
    return Target::param(P->getFunctionScopeIndex(), P->getNameAsString());
  }

  /// What the pointer or iterator stored in an object points to.
  std::optional<Target> pointeeOfStored(const Expr *E, unsigned Depth) {
    E = E->IgnoreParenImpCasts();
    // A pointer member: its object does not own what it points to (unless
    // it deletes it, see deletedObject), so it is some object of the
    // pointee type.
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
          Field && Field->getType()->isPointerType() &&
          !Field->getType()->getPointeeType()->isFunctionType())
        return referentOf(Field->getType()->getPointeeType(),
                          Field->getASTContext());
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    const auto *V = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!V)
      return Target::unknown();
    V = V->getCanonicalDecl();
    const FunctionDecl *Owner = owningFunction(V);
    if (const auto *P = dyn_cast<ParmVarDecl>(V)) {
      if (Owner == Fn && !P->getType()->isReferenceType() && !isReassigned(V))
        return paramTarget(P);
      return Target::unknown();
    }
    if (!V->hasLocalStorage())
      return Target::unknown();
    if (std::optional<Target> Owned = ownedPointee(V))
      return Owned;
    if (Owner != Fn)
      return Target::unknown();
    // Fresh memory whose pointer escaped: anyone may point there now.
    if (const VarDecl *WithInit = V->getInitializingDeclaration();
        WithInit && isFreshAllocation(WithInit->getInit()))
      return Target::unknown();
    // A local pointer: what it was initialised with, if never reassigned.
    if (isReassigned(V) || !V->getInit())
      return Target::unknown();
    // A local that created its actor (or channel) is that actor's identity.
    if (runtime::classifyExpr(V->getInit()->IgnoreImplicit()))
      return varTarget(V, Depth);
    if (!InProgress.insert(V).second)
      return Target::unknown();
    std::optional<Target> Result = pointee(V->getInit(), Depth + 1);
    InProgress.erase(V);
    return Result;
  }

  /// Issue 13 §3: what a local that owns a fresh object points to is the
  /// local itself, in its function and in a lambda of it that captures it by
  /// reference; nullopt if V owns nothing.
  std::optional<Target> ownedPointee(const VarDecl *V) {
    auto It = OwnedCache.find(V);
    bool Owns = It != OwnedCache.end() ? It->second
                                       : (OwnedCache[V] = ownsFreshObject(V));
    if (!Owns)
      return std::nullopt;
    if (owningFunction(V) == Fn)
      return Target::local(V, V->getNameAsString());
    if (Closure)
      for (const LambdaCapture &C : Closure->captures())
        if (C.capturesVariable() && C.getCaptureKind() == LCK_ByRef &&
            C.getCapturedVar()->getCanonicalDecl() == V)
          return Target::local(V, V->getNameAsString());
    return Target::unknown();
  }

  /// What `delete Arg` destroys. A pointer member that is deleted is storage
  /// its object owns (issue 13 §3): `delete this->p` writes `this.p`, so a
  /// destructor that deletes its members writes `this`, not `unknown`.
  std::optional<Target> deletedObject(const Expr *Arg) {
    const auto *ME = dyn_cast<MemberExpr>(Arg->IgnoreParenImpCasts());
    const auto *Field = ME ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
    if (Field && Field->getType()->isPointerType())
      return designate(ME);
    return pointee(Arg);
  }

  /// True if the pointer variable may hold something else than its
  /// initialiser: assigned, incremented into another object is fine, but
  /// assignment, address taken, or bound to a non-const reference is not.
  bool isReassigned(const VarDecl *V) {
    auto It = ReassignedCache.find(V);
    if (It != ReassignedCache.end())
      return It->second;
    const FunctionDecl *Owner = owningFunction(V);
    const FunctionDecl *Def = nullptr;
    bool Result = true;
    if (Owner && Owner->hasBody(Def))
      Result = ReassignmentFinder(V).findIn(Def->getBody());
    ReassignedCache[V] = Result;
    return Result;
  }

  class ReassignmentFinder : public RecursiveASTVisitor<ReassignmentFinder> {
  public:
    explicit ReassignmentFinder(const VarDecl *V) : V(V) {}
    bool findIn(const Stmt *Body) {
      TraverseStmt(const_cast<Stmt *>(Body));
      return Found;
    }
    bool refersToV(const Expr *E) const {
      const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
      return DRE && DRE->getDecl()->getCanonicalDecl() == V;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->getOpcode() == BO_Assign && refersToV(BO->getLHS()))
        Found = true;
      return !Found;
    }
    bool VisitUnaryOperator(UnaryOperator *UO) {
      if (UO->getOpcode() == UO_AddrOf && refersToV(UO->getSubExpr()))
        Found = true;
      return !Found;
    }
    bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *CE) {
      if (CE->getOperator() == OO_Equal && CE->getNumArgs() &&
          refersToV(CE->getArg(0)))
        Found = true;
      return !Found;
    }
    bool VisitCallExpr(CallExpr *CE) {
      const FunctionDecl *FD = CE->getDirectCallee();
      for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
        if (!refersToV(CE->getArg(I)))
          continue;
        if (!FD || I >= FD->getNumParams()) {
          continue;
        }
        QualType PT = FD->getParamDecl(I)->getType();
        if (PT->isReferenceType() && !PT->getPointeeType().isConstQualified())
          Found = true;
      }
      return !Found;
    }
    bool VisitLambdaExpr(LambdaExpr *LE) {
      for (const LambdaCapture &C : LE->captures())
        if (C.capturesVariable() && C.getCaptureKind() == LCK_ByRef &&
            C.getCapturedVar()->getCanonicalDecl() == V)
          Found = true;
      return !Found;
    }

  private:
    const VarDecl *V;
    bool Found = false;
  };

  /// What a reference, pointer or iterator returned by a member function of
  /// `Object` refers to: into the object, unless its class is a handle
  /// (iterator, view, class with pointer or reference members), whose
  /// results refer to what it points to.
  std::optional<Target> referentInObject(const Expr *Object, bool IsArrow,
                                         const FunctionDecl *Method,
                                         unsigned Depth) {
    // The most derived type: shared_ptr's operator* is a member of an
    // empty base.
    QualType T = Object->IgnoreParenImpCasts()->getType();
    if (IsArrow)
      T = T->getPointeeType();
    if (!isHandleClass(T) || returnsOwnMember(Method))
      return IsArrow ? pointee(Object, Depth + 1)
                     : designate(Object, Depth + 1);
    if (IsArrow)
      return Target::unknown(); // a handle loaded from memory
    return pointee(Object, Depth + 1);
  }

  /// True for an accessor whose body is `return member;` (an iterator's
  /// base()): its result is part of the object even for a handle.
  static bool returnsOwnMember(const FunctionDecl *Method) {
    const FunctionDecl *Def = nullptr;
    if (!Method || !Method->hasBody(Def))
      return false;
    const auto *Body = dyn_cast_or_null<CompoundStmt>(Def->getBody());
    if (!Body || Body->size() != 1)
      return false;
    const auto *Ret = dyn_cast<ReturnStmt>(Body->body_front());
    const Expr *Value = Ret ? Ret->getRetValue() : nullptr;
    if (!Value || !Def->getReturnType()->isReferenceType())
      return false;
    const auto *ME = dyn_cast<MemberExpr>(Value->IgnoreParenImpCasts());
    const auto *Field = ME ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
    return Field && !Field->getType()->isReferenceType() &&
           isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts());
  }

  /// A call returning a reference, pointer or iterator: assumed to refer
  /// into the object it was called on, or into its first reference or
  /// pointer argument (SPEC-level assumption, see docs/effects.md); for
  /// handles, into what they refer to.
  std::optional<Target> referentOfCall(const CallExpr *CE, unsigned Depth) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    const auto *Method = dyn_cast_or_null<CXXMethodDecl>(Callee);
    // The assumption below, checked against a visible body of the user's
    // (`return g_total;` refers to a global, not into the object).
    int Root = returnedStorage(Callee);
    unsigned First = isa<CXXOperatorCallExpr>(CE) && Method ? 1 : 0;
    auto ArgumentReferent = [&](unsigned P) -> std::optional<Target> {
      if (P + First >= CE->getNumArgs() || P >= Callee->getNumParams())
        return Target::unknown();
      QualType PT = Callee->getParamDecl(P)->getType();
      const Expr *Arg = CE->getArg(P + First);
      if (PT->isReferenceType() &&
          !isHandleClass(Arg->IgnoreParenImpCasts()->getType()))
        return designate(Arg, Depth + 1);
      if (PT->isPointerType())
        return pointee(Arg, Depth + 1);
      return Target::unknown();
    };
    const Expr *Object = nullptr;
    bool IsArrow = false;
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE)) {
      Object = MCE->getImplicitObjectArgument();
      const auto *ME = dyn_cast<MemberExpr>(MCE->getCallee()->IgnoreParens());
      IsArrow = ME && ME->isArrow();
      if (!Object)
        return Target::unknown();
    } else if (isa<CXXOperatorCallExpr>(CE) && Method && !Method->isStatic() &&
               CE->getNumArgs()) {
      Object = CE->getArg(0);
    }
    if (Object) {
      QualType T = Object->IgnoreParenImpCasts()->getType();
      if (IsArrow)
        T = T->getPointeeType();
      if (Root != RootNone && Root != RootThis && !isHandleClass(T))
        return Root >= 0 ? ArgumentReferent(static_cast<unsigned>(Root))
                         : Target::unknown();
      return referentInObject(Object, IsArrow, Callee, Depth);
    }
    if (!Callee)
      return Target::unknown();
    if (Root >= 0)
      return ArgumentReferent(static_cast<unsigned>(Root));
    if (Root != RootNone)
      return Target::unknown();
    for (unsigned I = First; I < CE->getNumArgs(); ++I) {
      unsigned P = I - First;
      if (P >= Callee->getNumParams())
        break;
      QualType PT = Callee->getParamDecl(P)->getType();
      if (PT->isReferenceType())
        return isHandleClass(CE->getArg(I)->IgnoreParenImpCasts()->getType())
                   ? pointee(CE->getArg(I), Depth + 1)
                   : designate(CE->getArg(I), Depth + 1);
      if (isPointerLike(PT))
        return pointee(CE->getArg(I), Depth + 1);
    }
    return Target::unknown();
  }

  static std::optional<Target> merge(std::optional<Target> A,
                                     std::optional<Target> B) {
    if (!A)
      return B;
    if (!B)
      return A;
    if (*A == *B)
      return A;
    if (A->contains(*B))
      return A;
    if (B->contains(*A))
      return B;
    return Target::unknown();
  }

  void addAccess(Effect E, SourceLocation Loc, Reason::Kind K,
                 std::string Detail) {
    Reason R;
    R.ReasonKind = K;
    R.Loc = Loc;
    R.Detail = std::move(Detail);
    Out.Accesses.push_back({std::move(E), std::move(R)});
  }

  /// What an access to `At` touches, for notes.
  static std::string accessed(const Target &T, const Expr *At) {
    if (!T.mayBeAnyObject())
      return T.str();
    std::string What = T.isReferent() ? T.str() : "unknown";
    // Name the reference or pointer member the access goes through, if any.
    for (const Expr *E = At->IgnoreParenImpCasts(); E;) {
      if (const auto *UO = dyn_cast<UnaryOperator>(E);
          UO && UO->getOpcode() == UO_Deref) {
        E = UO->getSubExpr()->IgnoreParenImpCasts();
        continue;
      }
      if (const auto *ME = dyn_cast<MemberExpr>(E)) {
        const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl());
        if (F && F->getType()->isReferenceType())
          return What + " (through the reference member '" +
                 F->getNameAsString() + "')";
        if (F && T.isReferent() && F->getType()->isPointerType())
          return What + " (through the pointer member '" +
                 F->getNameAsString() + "')";
        E = ME->getBase()->IgnoreParenImpCasts();
        continue;
      }
      if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
        E = ASE->getBase()->IgnoreParenImpCasts();
        continue;
      }
      break;
    }
    if (T.isReferent())
      return What + " (through a stored pointer or reference)";
    return "unknown (through a pointer or reference the analysis cannot "
           "follow)";
  }
  void addRead(const std::optional<Target> &T, const Expr *At) {
    if (T)
      addAccess(Effect::read(*T), At->getExprLoc(), Reason::Kind::Access,
                "reads " + accessed(*T, At));
  }
  void addWrite(const std::optional<Target> &T, const Expr *At) {
    if (T)
      addAccess(Effect::write(*T), At->getExprLoc(), Reason::Kind::Access,
                "writes " + accessed(*T, At));
  }

  void addIndirect(SourceLocation Loc, std::string What) {
    CallSite C;
    C.Indirect = true;
    C.IndirectWhat = std::move(What);
    C.Loc = Loc;
    Out.Calls.push_back(std::move(C));
  }

  /// One call site per combination of alternatives (the call does one of
  /// them); beyond a few combinations, each parameter's alternatives merge.
  void addCalls(const FunctionDecl *Callee, bool HasThis,
                std::optional<Target> ThisArg, const ArgumentAlternatives &Alts,
                SourceLocation Loc) {
    std::size_t Combinations = 1;
    for (const auto &A : Alts)
      Combinations *= std::max<std::size_t>(A.size(), 1);
    if (Combinations > 8) {
      std::vector<std::optional<Target>> Args;
      for (const auto &A : Alts) {
        std::optional<Target> M;
        for (const std::optional<Target> &T : A)
          M = merge(M, T);
        Args.push_back(M);
      }
      return addCall(Callee, HasThis, ThisArg, std::move(Args), Loc);
    }
    for (std::size_t N = 0; N < Combinations; ++N) {
      std::vector<std::optional<Target>> Args;
      std::size_t Rest = N;
      for (const auto &A : Alts) {
        Args.push_back(A.empty() ? std::nullopt : A[Rest % A.size()]);
        Rest /= std::max<std::size_t>(A.size(), 1);
      }
      addCall(Callee, HasThis, ThisArg, std::move(Args), Loc);
    }
  }

  void addCall(const FunctionDecl *Callee, bool HasThis,
               std::optional<Target> ThisArg,
               std::vector<std::optional<Target>> Args, SourceLocation Loc) {
    CallSite C;
    C.Callee = canonical(Callee);
    C.HasThis = HasThis;
    C.ThisArg = std::move(ThisArg);
    C.Args = std::move(Args);
    C.Loc = Loc;
    Out.Calls.push_back(std::move(C));
  }

  const FunctionDecl *Fn;
  EffectAnalysis &A;
  const EffectsDatabase &DB;
  EffectAnalysis::LocalInfo &Out;
  const CXXRecordDecl *Closure = nullptr;
  llvm::SmallPtrSet<const VarDecl *, 4> InProgress;

public:
  /// Variables taken as objects of their own (Local targets), whatever
  /// their type: a loop's element variable, analysed per iteration.
  llvm::SmallPtrSet<const VarDecl *, 2> OwnObjects;
  llvm::DenseMap<const VarDecl *, bool> ReassignedCache;
  llvm::DenseMap<const VarDecl *, bool> OwnedCache;
};

/// Adds entries to a summary, keeping one reason per effect of the set.
class SummaryBuilder {
public:
  void add(const Effect &E, const Reason &Why) {
    if (Set.add(E))
      Reasons.emplace_back(E, Why);
  }
  FunctionSummary finish(SummarySource Source) {
    FunctionSummary S;
    S.Source = Source;
    for (const Effect &E : Set) {
      for (auto It = Reasons.rbegin(); It != Reasons.rend(); ++It)
        if (It->first == E) {
          S.Entries.push_back({E, It->second});
          break;
        }
    }
    S.Effects = std::move(Set);
    return S;
  }

private:
  EffectSet Set;
  std::vector<std::pair<Effect, Reason>> Reasons;
};

} // namespace

EffectAnalysis::EffectAnalysis(ASTContext &Ctx, const EffectsDatabase &DB)
    : Ctx(Ctx), DB(DB) {}

EffectAnalysis::~EffectAnalysis() = default;

namespace {
/// Whether a use of a scalar local (E, whose value category is an lvalue
/// naming it) lets its address out: anything but a load, a builtin
/// assignment or increment whose own result is used the same way, an
/// unevaluated operand or a lambda capture.
bool leaksAddress(const Expr *E, ASTContext &Ctx, unsigned Depth = 0) {
  if (Depth > 8)
    return true;
  DynTypedNodeList Parents = Ctx.getParents(*E);
  if (Parents.size() != 1)
    return true;
  const DynTypedNode &P = Parents[0];
  if (P.get<Stmt>() == nullptr)
    return true; // an initialiser of a declaration: a reference binding
  const Stmt *S = P.get<Stmt>();
  if (isa<ParenExpr>(S))
    return leaksAddress(cast<Expr>(S), Ctx, Depth + 1);
  if (const auto *ICE = dyn_cast<ImplicitCastExpr>(S))
    return ICE->getCastKind() != CK_LValueToRValue;
  if (isa<UnaryExprOrTypeTraitExpr>(S) || isa<LambdaExpr>(S))
    return false;
  if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (!BO->isAssignmentOp() || BO->getLHS()->IgnoreParens() != E)
      return true;
    return leaksAddress(BO, Ctx, Depth + 1);
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
    if (!UO->isIncrementDecrementOp())
      return true;
    return UO->isPrefix() && leaksAddress(UO, Ctx, Depth + 1);
  }
  // A statement that discards the value (an expression statement).
  return !isa<CompoundStmt>(S) && !isa<ForStmt>(S);
}

class UseFinder : public RecursiveASTVisitor<UseFinder> {
public:
  UseFinder(const VarDecl *V, ASTContext &Ctx) : V(V), Ctx(Ctx) {}
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (DRE->getDecl()->getCanonicalDecl() == V && leaksAddress(DRE, Ctx))
      Leaks = true;
    return !Leaks;
  }
  bool shouldVisitImplicitCode() const { return true; }
  bool Leaks = false;

private:
  const VarDecl *V;
  ASTContext &Ctx;
};
} // namespace

bool EffectAnalysis::isUnaliasedLocal(const VarDecl *V) {
  V = V->getCanonicalDecl();
  auto It = UnaliasedCache.find(V);
  if (It != UnaliasedCache.end())
    return It->second;
  bool Result = false;
  QualType T = V->getType();
  const FunctionDecl *Owner = owningFunction(V);
  const FunctionDecl *Def = nullptr;
  if (V->hasLocalStorage() && !T->isReferenceType() && T->isScalarType() &&
      !T.isVolatileQualified() && Owner && Owner->hasBody(Def)) {
    UseFinder Finder(V, V->getASTContext());
    Finder.TraverseStmt(const_cast<Stmt *>(Def->getBody()));
    Result = !Finder.Leaks;
  }
  UnaliasedCache[V] = Result;
  return Result;
}

Target EffectAnalysis::localTarget(const VarDecl *V) {
  Target T = Target::local(V->getCanonicalDecl(), V->getNameAsString());
  T.NoAlias = isUnaliasedLocal(V);
  return T;
}

std::string EffectAnalysis::databaseName(const NamedDecl *D) {
  std::vector<std::string> Parts;
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(D))
    Parts.push_back(Ctor->getParent()->getNameAsString());
  else if (const auto *Dtor = dyn_cast<CXXDestructorDecl>(D))
    Parts.push_back("~" + Dtor->getParent()->getNameAsString());
  else
    Parts.push_back(D->getDeclName().getAsString());
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isInline())
        continue;
      Parts.push_back(NS->isAnonymousNamespace() ? "(anonymous)"
                                                 : NS->getNameAsString());
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      if (const auto *CXX = dyn_cast<CXXRecordDecl>(RD); CXX && CXX->isLambda())
        Parts.push_back("(lambda)");
      else
        Parts.push_back(RD->getName().empty() ? "(anonymous)"
                                              : RD->getNameAsString());
    } else if (const auto *FD = dyn_cast<FunctionDecl>(DC)) {
      Parts.push_back(FD->getNameAsString());
    }
  }
  std::string Name;
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It) {
    if (!Name.empty())
      Name += "::";
    Name += *It;
  }
  return Name;
}

std::vector<const FunctionDecl *>
EffectAnalysis::definedFunctions(ASTContext &Ctx) {
  struct Collector : RecursiveASTVisitor<Collector> {
    bool shouldVisitTemplateInstantiations() const { return true; }
    bool VisitFunctionDecl(FunctionDecl *FD) {
      if (FD->isThisDeclarationADefinition() && !FD->isDependentContext() &&
          !FD->isImplicit())
        Functions.push_back(FD);
      return true;
    }
    std::vector<const FunctionDecl *> Functions;
  } C;
  C.TraverseDecl(Ctx.getTranslationUnitDecl());
  return C.Functions;
}

std::string EffectAnalysis::displayName(const FunctionDecl *FD) {
  return databaseName(FD);
}

EffectSet EffectAnalysis::parameterTypeEffects(const FunctionDecl *FD) {
  EffectSet Set;
  for (unsigned I = 0; I < FD->getNumParams(); ++I) {
    const ParmVarDecl *P = FD->getParamDecl(I);
    QualType T = P->getType();
    if (!T->isReferenceType() && !T->isPointerType())
      continue;
    // A pointer or reference to a function designates no data.
    if (T->getPointeeType()->isFunctionType())
      continue;
    // An unnamed parameter prints as its database spelling, $N.
    Target On = Target::param(I, P->getNameAsString());
    if (P->getName().empty())
      On.Name = *EffectsDatabase::spelling(On);
    Set.add(T->getPointeeType().isConstQualified() ? Effect::read(On)
                                                   : Effect::write(On));
  }
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
    if (MD->isInstance() && !isa<CXXConstructorDecl>(MD))
      Set.add(MD->isConst() ? Effect::read(Target::thisObject())
                            : Effect::write(Target::thisObject()));
  return Set;
}

/// Adds the type-implied effects of FD for every parameter (and `this`) that
/// `Explicit` does not mention.
static void addImpliedEffects(SummaryBuilder &B, const FunctionDecl *FD,
                              const EffectSet &Explicit, const Reason &Why) {
  auto Mentioned = [&](const Target &T) {
    return llvm::any_of(
        Explicit, [&](const Effect &E) { return E.On.root() == T.root(); });
  };
  for (const Effect &E : EffectAnalysis::parameterTypeEffects(FD)) {
    if (Mentioned(E.On))
      continue;
    Reason R = Why;
    R.ReasonKind = Reason::Kind::ParameterType;
    B.add(E, R);
  }
}

/// The summary an effects-database entry describes.
static FunctionSummary summaryFromEntry(const FunctionDecl *FD,
                                        const DatabaseEntry &Entry,
                                        Reason Why) {
  SummaryBuilder B;
  Why.ReasonKind = Reason::Kind::Database;
  Why.Entry = &Entry;
  if (Entry.Unknown) {
    B.add(Effect::unknown(), Why);
    FunctionSummary S = B.finish(SummarySource::Database);
    S.Origin = Entry.Origin;
    return S;
  }
  EffectSet Explicit;
  auto Resolve = [&](const std::string &Text) -> std::optional<Target> {
    std::string Problem; // addJson rejected malformed spellings already
    std::optional<Target> T = EffectsDatabase::parseSpelling(Text, Problem);
    if (!T || T->TargetKind != Target::Kind::Param)
      return T;
    // A parameter the declaration does not have names nothing.
    if (T->ParamIndex >= FD->getNumParams())
      return std::nullopt;
    const ParmVarDecl *P = FD->getParamDecl(T->ParamIndex);
    if (!P->getName().empty())
      T->Name = P->getNameAsString();
    return T;
  };
  for (const std::string &R : Entry.Reads)
    if (std::optional<Target> T = Resolve(R))
      Explicit.add(Effect::read(*T));
  for (const std::string &W : Entry.Writes)
    if (std::optional<Target> T = Resolve(W))
      Explicit.add(Effect::write(*T));
  for (const Effect &E : Explicit)
    B.add(E, Why);
  // Explicit `$N`/`this` entries add to the type-implied effects: database
  // entries widen, they do not narrow, unless they say they are exact.
  if (!Entry.Exact)
    addImpliedEffects(B, FD, EffectSet(), Why);
  FunctionSummary S = B.finish(SummarySource::Database);
  S.Origin = Entry.Origin;
  return S;
}

std::optional<FunctionSummary>
EffectAnalysis::nonInferredSummary(const FunctionDecl *FD) {
  Reason Why;
  Why.Callee = FD;
  Why.Loc = FD->getLocation();
  SummaryBuilder B;

  if (std::optional<EffectSet> Declared = declaredEffects(FD)) {
    Why.ReasonKind = Reason::Kind::Declared;
    if (const FunctionDecl *On = annotatedDeclaration(FD))
      Why.Loc = On->getLocation();
    for (const Effect &E : *Declared)
      B.add(E, Why);
    addImpliedEffects(B, FD, *Declared, Why);
    return B.finish(SummarySource::Declared);
  }

  std::string Name = databaseName(FD);
  if (const DatabaseEntry *Entry = DB.lookupFunction(Name)) {
    Why.Detail = "the effects database " + Entry->Origin;
    return summaryFromEntry(FD, *Entry, Why);
  }

  const FunctionDecl *Def = nullptr;
  bool HasBody = FD->hasBody(Def) && Def->getBody();
  if (FD->getBuiltinID() != 0 ||
      (!HasBody && (FD->isDefaulted() || FD->isTrivial()))) {
    // Builtins and implicit special members: only their parameters.
    Why.ReasonKind = Reason::Kind::ParameterType;
    addImpliedEffects(B, FD, EffectSet(), Why);
    return B.finish(SummarySource::Builtin);
  }
  if (HasBody)
    return std::nullopt;

  // Defined in another translation unit: its summary, if kara-summarize
  // wrote one.
  if (Summaries)
    if (const DatabaseEntry *Entry = Summaries->lookupFunction(Name)) {
      Why.Detail =
          "the summary database " + Entry->Origin +
          (Entry->From.empty() ? "" : " (inferred in " + Entry->From + ")");
      return summaryFromEntry(FD, *Entry, Why);
    }

  Why.ReasonKind = Reason::Kind::NoDefinition;
  B.add(Effect::unknown(), Why);
  return B.finish(SummarySource::Unknown);
}

/// Every function reachable from Root through `CalleeAt(F, I)` (null past
/// the last callee) that `Enter(F)` accepts as needing inference, callees
/// first, found without recursion (call chains can be deep).
template <typename EnterFn, typename CalleeFn>
static std::vector<const FunctionDecl *>
calleesFirst(const FunctionDecl *Root, EnterFn Enter, CalleeFn CalleeAt) {
  std::vector<const FunctionDecl *> Order;
  llvm::DenseSet<const FunctionDecl *> Seen;
  std::vector<std::pair<const FunctionDecl *, std::size_t>> Stack;
  auto Visit = [&](const FunctionDecl *F) {
    if (F && Seen.insert(F).second && Enter(F))
      Stack.push_back({F, 0});
  };
  Visit(Root);
  while (!Stack.empty()) {
    auto [F, Next] = Stack.back();
    if (std::optional<const FunctionDecl *> Callee = CalleeAt(F, Next)) {
      ++Stack.back().second;
      Visit(*Callee);
      continue;
    }
    Order.push_back(F);
    Stack.pop_back();
  }
  return Order;
}

/// The cached per-body information of FD, built from its definition by
/// `Build(Def, Info)` the first time (empty without a body).
template <typename Info, typename BuildFn>
static const Info &
bodyInfo(llvm::DenseMap<const FunctionDecl *, std::unique_ptr<Info>> &Cache,
         const FunctionDecl *FD, BuildFn Build) {
  auto It = Cache.find(FD);
  if (It != Cache.end())
    return *It->second;
  auto Result = std::make_unique<Info>();
  const FunctionDecl *Def = nullptr;
  if (FD->hasBody(Def) && Def->getBody())
    Build(Def, *Result);
  const Info &Ref = *Result;
  Cache[FD] = std::move(Result);
  return Ref;
}

const EffectAnalysis::LocalInfo &
EffectAnalysis::localInfo(const FunctionDecl *FD) {
  return bodyInfo(LocalInfos, canonical(FD),
                  [&](const FunctionDecl *Def, LocalInfo &Info) {
                    BodyCollector Collector(Def, *this, Info);
                    // Initialisers of the object under construction.
                    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Def))
                      for (const CXXCtorInitializer *Init : Ctor->inits())
                        Collector.visit(Init->getInit());
                    Collector.visit(Def->getBody());
                  });
}

std::optional<Target> EffectAnalysis::mapCalleeTarget(
    const Target &T, bool HasThis, const std::optional<Target> &This,
    llvm::ArrayRef<std::optional<Target>> Args,
    llvm::function_ref<std::optional<Target>(const Target &)> Local) {
  switch (T.TargetKind) {
  case Target::Kind::Resource:
  case Target::Kind::Unknown:
  case Target::Kind::Referent:
    return T;
  case Target::Kind::This:
    if (!HasThis || !This)
      return std::nullopt;
    return withMembers(*This, T.Path);
  case Target::Kind::Param:
    if (T.ParamIndex >= Args.size() || !Args[T.ParamIndex])
      return std::nullopt;
    return withMembers(*Args[T.ParamIndex], T.Path);
  case Target::Kind::Local:
    return Local(T);
  }
  return T;
}

Target EffectAnalysis::withMemberPath(Target Base,
                                      const std::vector<std::string> &Members) {
  return withMembers(std::move(Base), Members);
}

/// Maps a callee's effect target into the caller at one call site.
static std::optional<Target> mapToCaller(const Target &T, const CallSite &C,
                                         const FunctionDecl *Caller) {
  return EffectAnalysis::mapCalleeTarget(
      T, C.HasThis, C.ThisArg, C.Args,
      [&](const Target &T) -> std::optional<Target> {
        // A variable of an enclosing function captured by a lambda: in that
        // function a reference parameter is the caller's object.
        const auto *V = static_cast<const VarDecl *>(T.Object);
        if (const auto *P = dyn_cast<ParmVarDecl>(V))
          if (owningFunction(P) == canonical(Caller) &&
              P->getType()->isReferenceType())
            return withMembers(
                Target::param(P->getFunctionScopeIndex(), P->getNameAsString()),
                T.Path);
        return T;
      });
}

/// The reason of the unknown effect of an indirect call.
static Reason indirectReason(const CallSite &C) {
  Reason R;
  R.ReasonKind = Reason::Kind::Indirect;
  R.Loc = C.Loc;
  R.Detail = C.IndirectWhat;
  return R;
}

/// Adds Callee's effects as they are at call C of Caller (those `Keep`
/// accepts), each with the call as its reason.
template <typename KeepFn>
static void addCallEffects(SummaryBuilder &B, const FunctionSummary &Callee,
                           const CallSite &C, const FunctionDecl *Caller,
                           KeepFn Keep) {
  for (const EffectEntry &Entry : Callee.Entries) {
    std::optional<Target> Mapped = mapToCaller(Entry.E.On, C, Caller);
    if (!Mapped || !Keep(*Mapped))
      continue;
    Reason R;
    R.ReasonKind = Reason::Kind::Call;
    R.Loc = C.Loc;
    R.Callee = C.Callee;
    R.CalleeEffect = Entry.E;
    B.add(Effect{Entry.E.Kind, *Mapped}, R);
  }
}

FunctionSummary EffectAnalysis::combine(const FunctionDecl *FD,
                                        const LocalInfo &Info,
                                        bool DropOwnLocals, View V) {
  FD = canonical(FD);
  SummaryBuilder B;
  auto Keep = [&](const Target &T) {
    if (!DropOwnLocals || T.TargetKind != Target::Kind::Local)
      return true;
    return owningFunction(static_cast<const VarDecl *>(T.Object)) != FD;
  };
  for (const EffectEntry &A : Info.Accesses)
    if (Keep(A.E.On))
      B.add(A.E, A.Why);
  for (const CallSite &C : Info.Calls) {
    if (C.Indirect) {
      B.add(Effect::unknown(), indirectReason(C));
      continue;
    }
    const FunctionSummary *Callee = nullptr;
    auto Done = Final[unsigned(V)].find(C.Callee);
    if (Done != Final[unsigned(V)].end())
      Callee = &Done->second;
    else
      Callee = &summaryIn(V, C.Callee);
    addCallEffects(B, *Callee, C, FD, Keep);
  }
  return B.finish(SummarySource::Inferred);
}

/// True if FD carries kara annotations and its body is here: in the
/// observed view its summary also holds what the body does beyond them.
static bool hasCheckableContract(const FunctionDecl *FD) {
  const FunctionDecl *Def = nullptr;
  return declaredEffects(FD) && FD->hasBody(Def) && Def->getBody() &&
         !Def->isDependentContext() && !Def->isInvalidDecl();
}

void EffectAnalysis::inferComponent(const FunctionDecl *Root, View V) {
  auto &Final = this->Final[unsigned(V)];
  // Everything reachable from Root that still needs inference, callees
  // first, found without recursion (call chains can be deep). In the
  // observed view, annotated functions with a body are inferred too,
  // starting from their declared effects.
  llvm::DenseMap<const FunctionDecl *, FunctionSummary> Contracts;
  auto Enter = [&](const FunctionDecl *F) {
    if (Final.count(F))
      return false;
    if (std::optional<FunctionSummary> S = nonInferredSummary(F)) {
      if (V == View::Contract || S->Source != SummarySource::Declared ||
          !hasCheckableContract(F)) {
        Final[F] = std::move(*S);
        return false;
      }
      Contracts[F] = std::move(*S);
    }
    return true;
  };
  auto CalleeAt = [&](const FunctionDecl *F,
                      std::size_t I) -> std::optional<const FunctionDecl *> {
    const LocalInfo &Info = localInfo(F);
    if (I >= Info.Calls.size())
      return std::nullopt;
    return Info.Calls[I].Callee; // null for indirect calls
  };
  std::vector<const FunctionDecl *> Order = calleesFirst(Root, Enter, CalleeAt);

  // Seed with empty summaries (or the declared ones) and iterate to the
  // least fixpoint; summaries only grow, and they are bounded by the
  // targets in the component.
  for (const FunctionDecl *F : Order) {
    auto Contract = Contracts.find(F);
    Final[F] = Contract != Contracts.end()
                   ? Contract->second
                   : FunctionSummary{SummarySource::Inferred, {}, {}, {}};
  }
  bool Changed = true;
  for (unsigned Round = 0; Changed; ++Round) {
    Changed = false;
    for (const FunctionDecl *F : Order) {
      FunctionSummary S = combine(F, localInfo(F), /*DropOwnLocals=*/true, V);
      auto Contract = Contracts.find(F);
      if (Contract != Contracts.end()) {
        // The declared effects first, so that they keep their reasons.
        SummaryBuilder B;
        for (const EffectEntry &E : Contract->second.Entries)
          B.add(E.E, E.Why);
        for (const EffectEntry &E : S.Entries)
          if (!isa<CXXConstructorDecl>(F) ||
              E.E.On.TargetKind != Target::Kind::This)
            B.add(E.E, E.Why);
        S = B.finish(SummarySource::Declared);
      }
      if (!(S.Effects == Final[F].Effects)) {
        Final[F] = std::move(S);
        Changed = true;
      }
    }
    if (Round > 64) {
      // Cannot happen for a monotone system; stay sound if it does.
      for (const FunctionDecl *F : Order) {
        Reason R;
        R.ReasonKind = Reason::Kind::NoDefinition;
        R.Callee = F;
        Final[F].Effects.add(Effect::unknown());
        Final[F].Entries.push_back({Effect::unknown(), R});
      }
      break;
    }
  }
}

const FunctionSummary &EffectAnalysis::summaryIn(View V,
                                                 const FunctionDecl *FD) {
  FD = canonical(FD);
  auto It = Final[unsigned(V)].find(FD);
  if (It != Final[unsigned(V)].end())
    return It->second;
  inferComponent(FD, V);
  return Final[unsigned(V)][FD];
}

const FunctionSummary &EffectAnalysis::summaryOf(const FunctionDecl *FD) {
  return summaryIn(View::Observed, FD);
}

const FunctionSummary &
EffectAnalysis::contractSummaryOf(const FunctionDecl *FD) {
  return summaryIn(View::Contract, FD);
}

FunctionSummary EffectAnalysis::bodyEffects(const FunctionDecl *FD) {
  return combine(FD, localInfo(FD), /*DropOwnLocals=*/true, View::Contract);
}

std::vector<EffectEntry>
EffectAnalysis::statementEffects(const Stmt *S, const FunctionDecl *Context,
                                 llvm::ArrayRef<const VarDecl *> OwnObjects) {
  LocalInfo Info;
  BodyCollector Collector(Context, *this, Info);
  for (const VarDecl *V : OwnObjects)
    Collector.OwnObjects.insert(V->getCanonicalDecl());
  Collector.visit(S);
  FunctionSummary Summary =
      combine(Context, Info, /*DropOwnLocals=*/false, View::Observed);
  return Summary.Entries;
}

//===----------------------------------------------------------------------===//
// Symbolic bodies (kara-summarize --map)
//===----------------------------------------------------------------------===//

std::optional<std::string> EffectAnalysis::databaseSpelling(const Target &T) {
  return EffectsDatabase::spelling(T);
}

EffectAnalysis::SymbolicBody EffectAnalysis::symbolicBody(
    const FunctionDecl *FD,
    llvm::function_ref<bool(const FunctionDecl *)> Linkable) {
  FD = canonical(FD);
  SymbolicBody Result;
  // Linked: what inferComponent would infer (or find unknown), and the
  // observed view of a contract whose body is here.
  auto Linked = [&](const FunctionDecl *Callee) {
    if (!Linkable(Callee))
      return false;
    std::optional<FunctionSummary> S = nonInferredSummary(Callee);
    return !S || S->Source == SummarySource::Unknown ||
           (S->Source == SummarySource::Declared &&
            hasCheckableContract(Callee));
  };
  SummaryBuilder Effects;
  if (hasCheckableContract(FD)) {
    if (std::optional<FunctionSummary> Declared = nonInferredSummary(FD))
      for (const EffectEntry &E : Declared->Entries)
        Effects.add(E.E, E.Why);
    Result.DropThisFromCalls = isa<CXXConstructorDecl>(FD);
  }
  auto Keep = [&](const Target &T) {
    if (Result.DropThisFromCalls && T.TargetKind == Target::Kind::This)
      return false;
    return T.TargetKind != Target::Kind::Local ||
           owningFunction(static_cast<const VarDecl *>(T.Object)) != FD;
  };
  const LocalInfo &Info = localInfo(FD);
  for (const EffectEntry &A : Info.Accesses)
    if (Keep(A.E.On))
      Effects.add(A.E, A.Why);
  for (const CallSite &C : Info.Calls) {
    if (C.Indirect) {
      Effects.add(Effect::unknown(), indirectReason(C));
      continue;
    }
    if (Linked(C.Callee)) {
      Result.Calls.push_back({C.Callee, C.HasThis, C.ThisArg, C.Args, C.Loc});
      continue;
    }
    addCallEffects(Effects, summaryOf(C.Callee), C, FD, Keep);
  }
  Result.Effects = Effects.finish(SummarySource::Inferred).Entries;
  return Result;
}

//===----------------------------------------------------------------------===//
// Contracts
//===----------------------------------------------------------------------===//

std::optional<std::vector<const CXXMethodDecl *>>
EffectAnalysis::visibleOverriders(const CXXMethodDecl *MD) {
  MD = MD->getCanonicalDecl();
  if (!ClosedHierarchies && MD->getParent()->isExternallyVisible())
    return std::nullopt;
  if (!OverriderIndex) {
    // Every method with the canonical methods it overrides, transitively.
    struct Indexer : RecursiveASTVisitor<Indexer> {
      bool shouldVisitTemplateInstantiations() const { return true; }
      bool VisitCXXMethodDecl(CXXMethodDecl *M) {
        if (!M->isVirtual() || M->isDependentContext() ||
            M != M->getCanonicalDecl())
          return true;
        llvm::SmallVector<const CXXMethodDecl *, 4> Work(
            M->overridden_methods().begin(), M->overridden_methods().end());
        llvm::SmallPtrSet<const CXXMethodDecl *, 4> Seen;
        while (!Work.empty()) {
          const CXXMethodDecl *O = Work.pop_back_val()->getCanonicalDecl();
          if (!Seen.insert(O).second)
            continue;
          Index[O].push_back(M);
          Work.append(O->overridden_methods().begin(),
                      O->overridden_methods().end());
        }
        return true;
      }
      llvm::DenseMap<const CXXMethodDecl *, std::vector<const CXXMethodDecl *>>
          Index;
    } I;
    I.TraverseDecl(Ctx.getTranslationUnitDecl());
    OverriderIndex = std::move(I.Index);
  }
  std::vector<const CXXMethodDecl *> Result;
  // A pure virtual function without a body is never the final overrider of
  // an object that exists.
  const FunctionDecl *Def = nullptr;
  if (!MD->isPureVirtual() || MD->hasBody(Def))
    Result.push_back(MD);
  auto It = OverriderIndex->find(MD);
  if (It != OverriderIndex->end())
    for (const CXXMethodDecl *M : It->second) {
      if (M->isPureVirtual() && !M->hasBody(Def))
        continue;
      Result.push_back(M);
    }
  return Result;
}

std::vector<std::pair<Effect, const CXXMethodDecl *>>
EffectAnalysis::exceedsOverriddenContract(const FunctionDecl *FD) {
  std::vector<std::pair<Effect, const CXXMethodDecl *>> Result;
  const auto *MD = dyn_cast_or_null<CXXMethodDecl>(FD);
  if (!MD || !MD->isVirtual() || !declaredEffects(MD))
    return Result;
  // Only the override's own annotations can differ from the base's.
  const FunctionDecl *Holder = annotatedDeclaration(MD);
  if (!Holder || Holder->getCanonicalDecl() != MD->getCanonicalDecl())
    return Result;
  const FunctionSummary &Own = contractSummaryOf(MD);
  for (const CXXMethodDecl *Base : MD->overridden_methods()) {
    if (!declaredEffects(Base))
      continue;
    const FunctionSummary &Promised = contractSummaryOf(Base);
    for (const Effect &E : Own.Effects)
      if (!Promised.Effects.covers(E))
        Result.push_back({E, Base});
  }
  return Result;
}

std::vector<EffectEntry>
EffectAnalysis::undeclaredEffects(const FunctionDecl *FD) {
  const FunctionDecl *Def = nullptr;
  if (!FD || !declaredEffects(FD) || !FD->hasBody(Def) || !Def->getBody() ||
      Def->isDependentContext() || Def->isInvalidDecl())
    return {};
  const FunctionSummary &Declared = contractSummaryOf(Def);
  FunctionSummary Body = bodyEffects(Def);
  std::vector<EffectEntry> Result;
  for (EffectEntry &Entry : Body.Entries) {
    if (Declared.Effects.covers(Entry.E))
      continue;
    // The object under construction is the constructor's own until it
    // returns: callers never see those effects.
    if (isa<CXXConstructorDecl>(Def) &&
        Entry.E.On.TargetKind == Target::Kind::This)
      continue;
    Result.push_back(std::move(Entry));
  }
  return Result;
}

bool EffectAnalysis::contractBroken(const FunctionDecl *FD) {
  if (!FD)
    return false;
  FD = canonical(FD);
  auto It = BrokenContracts.find(FD);
  if (It != BrokenContracts.end())
    return It->second;
  bool Broken = !undeclaredEffects(FD).empty();
  BrokenContracts[FD] = Broken;
  return Broken;
}

//===----------------------------------------------------------------------===//
// Exceptions
//===----------------------------------------------------------------------===//

namespace {
using ThrowKind = EffectAnalysis::ThrowKind;

/// Which exceptions the enclosing try-blocks of an expression catch.
enum class Caught : unsigned char { Nothing, AllocationFailure, Everything };

ThrowKind maxKind(ThrowKind A, ThrowKind B) { return A < B ? B : A; }

ThrowKind filtered(ThrowKind K, Caught C) {
  if (C == Caught::Everything ||
      (C == Caught::AllocationFailure && K == ThrowKind::Allocation))
    return ThrowKind::None;
  return K;
}

/// True if the type of a function (or a pointer, reference or member
/// pointer to one) says it never throws.
bool nothrowType(QualType T) {
  if (T.isNull())
    return false;
  if (const auto *MPT = T->getAs<MemberPointerType>())
    T = MPT->getPointeeType();
  else if (T->isPointerType() || T->isReferenceType())
    T = T->getPointeeType();
  const auto *Proto = T->getAs<FunctionProtoType>();
  return Proto && Proto->canThrow() == CT_Cannot;
}

/// What the handlers of a try statement catch, as far as this analysis
/// distinguishes: catch (...), or a handler for std::bad_alloc or one of its
/// bases (std::exception), which catches allocation failure.
Caught caughtBy(const CXXTryStmt *Try) {
  Caught Result = Caught::Nothing;
  for (unsigned I = 0; I < Try->getNumHandlers(); ++I) {
    const CXXCatchStmt *H = Try->getHandler(I);
    if (!H->getExceptionDecl())
      return Caught::Everything;
    QualType T = H->getCaughtType().getNonReferenceType();
    const auto *RD = T->getAsCXXRecordDecl();
    if (!RD || !RD->getIdentifier() || !RD->isInStdNamespace())
      continue;
    if (RD->getName() == "exception" || RD->getName() == "bad_alloc")
      Result = Caught::AllocationFailure;
  }
  return Result;
}

const CXXDestructorDecl *nonTrivialDestructor(QualType T) {
  T = T.getCanonicalType();
  while (const auto *AT = dyn_cast<ArrayType>(T.getTypePtr()))
    T = AT->getElementType().getCanonicalType();
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || RD->hasTrivialDestructor())
    return nullptr;
  return RD->getDestructor();
}
} // namespace

struct EffectAnalysis::ThrowInfo {
  /// What the body throws by itself (throw-expressions, dynamic_cast, ...).
  ThrowKind Local = ThrowKind::None;
  /// Functions it calls, with what the try-blocks around each call catch.
  std::vector<std::pair<const FunctionDecl *, Caught>> Calls;
};

namespace {
/// Collects what a body or a statement may throw by itself and which
/// functions it calls, following the evaluated parts of the code only.
class ThrowCollector {
public:
  ThrowCollector(ASTContext &Ctx, EffectAnalysis::ThrowInfo &Out)
      : Ctx(Ctx), Out(Out) {}

  void visitFunction(const FunctionDecl *Def) {
    const Stmt *Body = Def->getBody();
    bool SpecialMember =
        isa<CXXConstructorDecl>(Def) || isa<CXXDestructorDecl>(Def);
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Def))
      for (const CXXCtorInitializer *Init : Ctor->inits())
        visit(Init->getInit());
    if (const auto *Dtor = dyn_cast<CXXDestructorDecl>(Def)) {
      // Members and bases are destroyed after the body.
      const CXXRecordDecl *RD = Dtor->getParent();
      for (const FieldDecl *F : RD->fields())
        if (const CXXDestructorDecl *D = nonTrivialDestructor(F->getType()))
          call(D);
      for (const CXXBaseSpecifier &B : RD->bases())
        if (const CXXDestructorDecl *D = nonTrivialDestructor(B.getType()))
          call(D);
    }
    // The handlers of a constructor's or destructor's function-try-block
    // rethrow when they end: they catch nothing.
    if (const auto *Try = dyn_cast_or_null<CXXTryStmt>(Body);
        Try && SpecialMember) {
      visit(Try->getTryBlock());
      for (unsigned I = 0; I < Try->getNumHandlers(); ++I)
        visit(Try->getHandler(I)->getHandlerBlock());
      return;
    }
    visit(Body);
  }

  void visit(const Stmt *S) {
    if (!S)
      return;
    if (const auto *Try = dyn_cast<CXXTryStmt>(S)) {
      Caught Outer = Within;
      Within = std::max(Within, caughtBy(Try));
      visit(Try->getTryBlock());
      Within = Outer;
      for (unsigned I = 0; I < Try->getNumHandlers(); ++I)
        visit(Try->getHandler(I)->getHandlerBlock());
      return;
    }
    if (const auto *DS = dyn_cast<DeclStmt>(S)) {
      for (const Decl *D : DS->decls())
        if (const auto *V = dyn_cast<VarDecl>(D)) {
          visit(V->getInit());
          if (V->hasLocalStorage())
            if (const CXXDestructorDecl *Dtor =
                    nonTrivialDestructor(V->getType()))
              call(Dtor);
          if (const auto *DD = dyn_cast<DecompositionDecl>(V))
            for (const BindingDecl *B : DD->bindings())
              if (const auto *Holding = B->getHoldingVar())
                visit(Holding->getInit());
        }
      return;
    }
    if (isa<CoroutineBodyStmt>(S) || isa<CoreturnStmt>(S) ||
        isa<CoawaitExpr>(S) || isa<CoyieldExpr>(S) ||
        isa<DependentCoawaitExpr>(S))
      return local(ThrowKind::Any);
    if (const auto *E = dyn_cast<Expr>(S))
      return visitExpr(E);
    for (const Stmt *Child : S->children())
      visit(Child);
  }

private:
  void visitExpr(const Expr *E) {
    if (isa<CXXThrowExpr>(E))
      local(ThrowKind::Any);
    if (const auto *LE = dyn_cast<LambdaExpr>(E)) {
      // The body runs when the closure is called.
      for (const Expr *Init : LE->capture_inits())
        visit(Init);
      return;
    }
    if (isa<UnaryExprOrTypeTraitExpr>(E) || isa<CXXNoexceptExpr>(E) ||
        isa<RequiresExpr>(E) || isa<ConceptSpecializationExpr>(E))
      return; // unevaluated operands
    if (const auto *TE = dyn_cast<CXXTypeidExpr>(E)) {
      if (!TE->isPotentiallyEvaluated())
        return;
      local(ThrowKind::Any); // std::bad_typeid on a null pointer
    }
    if (const auto *DC = dyn_cast<CXXDynamicCastExpr>(E))
      if (DC->getCastKind() == CK_Dynamic &&
          DC->getTypeAsWritten()->isReferenceType())
        local(ThrowKind::Any); // std::bad_cast
    if (const auto *CE = dyn_cast<CallExpr>(E))
      visitCall(CE);
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
      call(CE->getConstructor());
    if (const auto *CE = dyn_cast<CXXInheritedCtorInitExpr>(E))
      call(CE->getConstructor());
    if (const auto *NE = dyn_cast<CXXNewExpr>(E)) {
      if (const FunctionDecl *New = NE->getOperatorNew())
        call(New);
      else
        local(ThrowKind::Allocation);
      // A size only known at run time may be too large:
      // std::bad_array_new_length, a std::bad_alloc.
      if (NE->isArray() && NE->getArraySize() &&
          !(*NE->getArraySize())->isValueDependent() &&
          !(*NE->getArraySize())->getIntegerConstantExpr(Ctx))
        local(ThrowKind::Allocation);
    }
    if (const auto *DE = dyn_cast<CXXDeleteExpr>(E)) {
      if (const CXXDestructorDecl *Dtor =
              nonTrivialDestructor(DE->getDestroyedType()))
        call(Dtor);
      if (const FunctionDecl *Delete = DE->getOperatorDelete())
        call(Delete);
    }
    if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E))
      if (const CXXDestructorDecl *Dtor = BTE->getTemporary()->getDestructor())
        call(Dtor);
    if (const auto *DAE = dyn_cast<CXXDefaultArgExpr>(E))
      return visit(DAE->getExpr());
    if (const auto *DIE = dyn_cast<CXXDefaultInitExpr>(E))
      return visit(DIE->getExpr());
    if (const auto *OVE = dyn_cast<OpaqueValueExpr>(E))
      return visit(OVE->getSourceExpr());
    for (const Stmt *Child : E->children())
      visit(Child);
  }

  void visitCall(const CallExpr *CE) {
    if (isa<CXXPseudoDestructorExpr>(CE->getCallee()->IgnoreParens()))
      return;
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee) {
      // Through a pointer, a reference or a member pointer: its type says.
      const Expr *CalleeExpr = CE->getCallee()->IgnoreParens();
      QualType T = CalleeExpr->getType();
      if (const auto *BO = dyn_cast<BinaryOperator>(CalleeExpr);
          BO && BO->isPtrMemOp())
        T = BO->getRHS()->getType();
      if (!nothrowType(T))
        local(ThrowKind::Any);
      return;
    }
    const auto *Method = dyn_cast<CXXMethodDecl>(Callee);
    if (Method && Method->isVirtual() && !isDevirtualized(CE, Method)) {
      // An overrider may throw unless the type forbids it.
      if (!nothrowType(Method->getType()))
        local(ThrowKind::Any);
      return;
    }
    call(Callee);
  }

  void local(ThrowKind K) {
    Out.Local = maxKind(Out.Local, filtered(K, Within));
  }
  void call(const FunctionDecl *FD) {
    if (!FD || Within == Caught::Everything)
      return;
    Out.Calls.push_back({canonical(FD), Within});
  }

  ASTContext &Ctx;
  EffectAnalysis::ThrowInfo &Out;
  Caught Within = Caught::Nothing;
};
} // namespace

std::optional<EffectAnalysis::ThrowKind>
EffectAnalysis::nonInferredThrowKind(const FunctionDecl *FD) {
  if (nothrowType(FD->getType()))
    return ThrowKind::None;
  if (FD->isDependentContext() || FD->isInvalidDecl())
    return ThrowKind::Any;
  if (FD->isReplaceableGlobalAllocationFunction())
    return ThrowKind::Allocation;
  std::string Name = databaseName(FD);
  if (const DatabaseEntry *Entry = DB.lookupFunction(Name))
    return Entry->NoThrow ? ThrowKind::None : ThrowKind::Any;
  if (unsigned ID = FD->getBuiltinID())
    return ID == Builtin::BI__builtin_operator_new ? ThrowKind::Allocation
                                                   : ThrowKind::None;
  const FunctionDecl *Def = nullptr;
  if (FD->hasBody(Def) && Def->getBody())
    return std::nullopt;
  if (FD->isTrivial())
    return ThrowKind::None;
  if (Summaries)
    if (const DatabaseEntry *Entry = Summaries->lookupFunction(Name))
      return Entry->NoThrow ? ThrowKind::None : ThrowKind::Any;
  return ThrowKind::Any;
}

const EffectAnalysis::ThrowInfo &
EffectAnalysis::throwInfo(const FunctionDecl *FD) {
  return bodyInfo(ThrowInfos, canonical(FD),
                  [&](const FunctionDecl *Def, ThrowInfo &Info) {
                    ThrowCollector(Ctx, Info).visitFunction(Def);
                  });
}

EffectAnalysis::ThrowKind EffectAnalysis::evaluate(const ThrowInfo &Info) {
  ThrowKind K = Info.Local;
  for (const auto &[Callee, Within] : Info.Calls) {
    if (K == ThrowKind::Any)
      break;
    auto Known = ThrowKinds.find(Callee);
    ThrowKind CK =
        Known != ThrowKinds.end() ? Known->second : throwKind(Callee);
    K = maxKind(K, filtered(CK, Within));
  }
  return K;
}

void EffectAnalysis::inferThrowComponent(const FunctionDecl *Root) {
  // Like inferComponent: everything reachable that needs a body, callees
  // first, without recursion; then an optimistic fixpoint from `None`
  // (kinds only grow).
  auto Enter = [&](const FunctionDecl *F) {
    if (ThrowKinds.count(F))
      return false;
    if (std::optional<ThrowKind> K = nonInferredThrowKind(F)) {
      ThrowKinds[F] = *K;
      return false;
    }
    return true;
  };
  auto CalleeAt = [&](const FunctionDecl *F,
                      std::size_t I) -> std::optional<const FunctionDecl *> {
    const ThrowInfo &Info = throwInfo(F);
    if (I >= Info.Calls.size())
      return std::nullopt;
    return Info.Calls[I].first;
  };
  std::vector<const FunctionDecl *> Order = calleesFirst(Root, Enter, CalleeAt);
  for (const FunctionDecl *F : Order)
    ThrowKinds[F] = ThrowKind::None;
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const FunctionDecl *F : Order) {
      ThrowKind K = evaluate(throwInfo(F));
      if (K != ThrowKinds[F]) {
        ThrowKinds[F] = K;
        Changed = true;
      }
    }
  }
}

EffectAnalysis::ThrowKind EffectAnalysis::throwKind(const FunctionDecl *FD) {
  FD = canonical(FD);
  auto It = ThrowKinds.find(FD);
  if (It != ThrowKinds.end())
    return It->second;
  inferThrowComponent(FD);
  return ThrowKinds[FD];
}

bool EffectAnalysis::mayThrow(const FunctionDecl *FD) {
  return !FD || mayThrow(throwKind(FD));
}

bool EffectAnalysis::mayThrow(const Stmt *S, const FunctionDecl *) {
  ThrowInfo Info;
  ThrowCollector(Ctx, Info).visit(S);
  return mayThrow(evaluate(Info));
}

} // namespace kara
