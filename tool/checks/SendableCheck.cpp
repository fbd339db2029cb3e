//===- SendableCheck.cpp - kara-sendable --------------------------------------===//
//
// Rules (docs/checks/kara-sendable.md):
//  1. classes marked [[kara::sendable]]: every field and base is sendable;
//  2. a lambda that crosses a spawn boundary captures by value only sendable
//     values (pointers to const data are accepted); the callable of
//     kara::recover captures only sendable values;
//  3. a kara::unique local is not used after it was moved into a task
//     (flow-sensitive over the CFG: branches, loops);
//  4. `this` is not captured into a kara::spawn task whose handle is stored
//     in a data member, unless the destructor joins it;
//  5. a by-reference capture of a local (or a pointer/reference to mutable
//     data) that another concurrently running side writes (races).
//
//===----------------------------------------------------------------------===//

#include "SendableCheck.h"

#include "kara/Analysis/Annotations.h"
#include "kara/Analysis/Concurrency.h"
#include "kara/Analysis/Sendability.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Analysis/CFG.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"

#include <map>

using namespace clang;
using namespace clang::ast_matchers;

namespace kara {

namespace {

AST_MATCHER(CXXRecordDecl, isMarkedKaraSendable) {
  return isMarkedSendable(&Node);
}
AST_MATCHER(FunctionDecl, isInDependentContext) {
  return Node.isDependentContext();
}

bool isSpawnOwned(llvm::StringRef Entry) {
  return Entry == "kara::spawn" || Entry == "kara::spawn_blocking";
}

std::string displayEntry(llvm::StringRef Entry) {
  if (Entry == "kara::nursery::spawn")
    return "a task of kara::scope (n.spawn)";
  if (Entry == "kara::nursery::spawn_blocking")
    return "a task of kara::scope (n.spawn_blocking)";
  if (Entry == "kara::par" || Entry == "kara::par_forced")
    return "a branch of " + Entry.str();
  if (Entry == "kara::race")
    return "a branch of kara::race";
  if (Entry == "kara::map" || Entry == "kara::map_limited")
    return "the callable of " + Entry.str();
  return "a task of " + Entry.str();
}

} // namespace

void SendableCheck::onStartOfTranslationUnit() {
  KaraCheckBase::onStartOfTranslationUnit();
  Reported.clear();
}

void SendableCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(cxxRecordDecl(isDefinition(), isMarkedKaraSendable(),
                                   unless(isTemplateInstantiation()))
                         .bind("class"),
                     this);
  Finder->addMatcher(
      callExpr(callee(functionDecl(hasAnyName(
                   "::kara::par", "::kara::par_forced", "::kara::race",
                   "::kara::spawn", "::kara::spawn_blocking",
                   "::kara::nursery::spawn", "::kara::nursery::spawn_blocking",
                   "::kara::map", "::kara::map_limited", "::kara::recover"))))
          .bind("spawn"),
      this);
  Finder->addMatcher(functionDecl(isDefinition(), hasBody(stmt()),
                                  unless(isInDependentContext()))
                         .bind("function"),
                     this);
  Finder->addMatcher(lambdaExpr().bind("lambda"), this);
}

void SendableCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  if (const auto *RD = Result.Nodes.getNodeAs<CXXRecordDecl>("class")) {
    checkClass(RD, Ctx);
    return;
  }
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("spawn")) {
    checkSpawnCall(Call, Ctx);
    return;
  }
  const FunctionDecl *FD = Result.Nodes.getNodeAs<FunctionDecl>("function");
  if (const auto *LE = Result.Nodes.getNodeAs<LambdaExpr>("lambda"))
    FD = LE->getCallOperator();
  if (!FD || FD->isInvalidDecl() || FD->isDependentContext() || !FD->hasBody())
    return;
  // Lambda call operators come through the lambda matcher only.
  if (Result.Nodes.getNodeAs<FunctionDecl>("function"))
    if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
      if (MD->getParent()->isLambda())
        return;
  if (!Reported.insert(FD).second)
    return;
  checkUseAfterMove(FD, Ctx);
  checkRaces(FD, Ctx);
}

//===----------------------------------------------------------------------===//
// Rule 1: classes marked [[kara::sendable]]
//===----------------------------------------------------------------------===//

void SendableCheck::checkClass(const CXXRecordDecl *RD, ASTContext &Ctx) {
  SourceLocation AttrLoc;
  for (const Decl *Redecl : RD->redecls())
    for (const KaraAttribute &A : karaAttributesOf(Redecl))
      if (A.AttrKind == KaraAttribute::Kind::Sendable && AttrLoc.isInvalid())
        AttrLoc = A.Range.getBegin();
  auto Note = [&] {
    if (AttrLoc.isValid())
      diag(AttrLoc, "%0 is marked [[kara::sendable]] here", DiagnosticIDs::Note)
          << RD;
  };
  for (const CXXBaseSpecifier &B : RD->bases()) {
    if (B.getType()->isDependentType())
      continue;
    if (auto Why = whyNotSendable(B.getType(), Ctx)) {
      diag(B.getBeginLoc(),
           "base %0 of %1 is not sendable: %2; a [[kara::sendable]] class may "
           "hold only sendable values")
          << B.getType() << RD << Why->str();
      Note();
    }
  }
  for (const FieldDecl *F : RD->fields()) {
    QualType T = F->getType();
    if (T->isDependentType())
      continue;
    std::optional<NotSendable> Why = whyNotSendable(T, Ctx);
    if (!Why)
      continue;
    const char *Advice = "hold a copy, a kara::unique, or a "
                         "std::shared_ptr<const T> instead";
    if (T->isReferenceType())
      Advice = "hold a copy instead";
    diag(F->getLocation(),
         "field %0 of %1 is not sendable: %2; a [[kara::sendable]] class may "
         "hold only sendable values (%3)")
        << F << RD << Why->str() << Advice;
    Note();
  }
}

//===----------------------------------------------------------------------===//
// Rules 2 and 4: what a task lambda captures
//===----------------------------------------------------------------------===//

void SendableCheck::checkSpawnCall(const CallExpr *Call, ASTContext &Ctx) {
  std::string Entry = spawnEntryName(Call);
  if (Entry.empty())
    return;
  if (Entry == "kara::recover") {
    checkRecover(Call, Ctx);
    return;
  }
  unsigned Callables = spawnCallableArgs(Entry, Call);
  for (unsigned I = 0; I < Callables; ++I) {
    const Expr *Arg = Call->getArg(I);
    const LambdaExpr *LE = taskLambdaOf(Arg);
    if (!LE)
      continue;
    checkCaptures(LE, Arg, Call, Entry, Ctx);
    if (isSpawnOwned(Entry))
      checkThisEscape(LE, Call, Entry, Ctx);
  }
}

static bool argIsTheLambda(const Expr *Arg, const LambdaExpr *LE) {
  return skipWrappers(Arg) == LE;
}

void SendableCheck::checkCaptures(const LambdaExpr *LE, const Expr *Arg,
                                  const CallExpr *Call, StringRef Entry,
                                  ASTContext &Ctx) {
  for (const LambdaCapture &C : LE->captures()) {
    if (!C.capturesVariable() || C.getCaptureKind() != LCK_ByCopy)
      continue;
    const auto *V = dyn_cast<VarDecl>(C.getCapturedVar());
    if (!V)
      continue;
    QualType T = V->getType().getNonReferenceType();
    if (T->isDependentType())
      continue;
    SendabilityOptions Opts;
    Opts.AllowPointerToConst = true;
    std::optional<NotSendable> Why = whyNotSendable(T, Ctx, Opts);
    if (!Why)
      continue;
    if (!Reported.insert(&C).second)
      continue;
    diag(C.getLocation(),
         "%0 is captured by value into %1 but is not sendable: %2; capture a "
         "sendable copy, move it in as a kara::unique, or opt the type in")
        << V << displayEntry(Entry) << Why->str();
    if (!argIsTheLambda(Arg, LE))
      diag(Arg->getBeginLoc(), "the lambda is passed to %0 here",
           DiagnosticIDs::Note)
          << Entry;
  }
}

void SendableCheck::checkRecover(const CallExpr *Call, ASTContext &Ctx) {
  if (Call->getNumArgs() < 1)
    return;
  const Expr *Arg = Call->getArg(0);
  const LambdaExpr *LE = taskLambdaOf(Arg);
  if (!LE)
    return;
  for (const LambdaCapture &C : LE->captures()) {
    if (C.capturesThis() && C.getCaptureKind() != LCK_StarThis) {
      if (!Reported.insert(&C).second)
        continue;
      diag(C.getLocation(),
           "the callable of kara::recover captures 'this'; the result could "
           "share the object's data, so it would not be unique (capture "
           "sendable copies of what it needs)");
      continue;
    }
    if (!C.capturesVariable())
      continue;
    const auto *V = dyn_cast<VarDecl>(C.getCapturedVar());
    if (!V)
      continue;
    QualType T = V->getType().getNonReferenceType();
    if (T->isDependentType() || isKaraUnique(T))
      continue;
    std::optional<NotSendable> Why = whyNotSendable(T, Ctx);
    if (!Why || !Reported.insert(&C).second)
      continue;
    diag(C.getLocation(),
         "the callable of kara::recover captures %0, which is not sendable: "
         "%1; the result could share what it points to, so it would not be "
         "unique")
        << V << Why->str();
    if (!argIsTheLambda(Arg, LE))
      diag(Arg->getBeginLoc(), "the lambda is passed to kara::recover here",
           DiagnosticIDs::Note);
  }
}

/// The data member a spawn call's handle is stored in, if any, and where.
static const FieldDecl *storedInMember(const CallExpr *Call, ASTContext &Ctx,
                                       SourceLocation &StoreLoc) {
  DynTypedNode Node = DynTypedNode::create(*Call);
  auto MemberOfThis = [](const Expr *E) -> const FieldDecl * {
    E = E ? E->IgnoreParenImpCasts() : nullptr;
    while (const auto *ME = dyn_cast_or_null<MemberExpr>(E)) {
      const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
      if (isa<CXXThisExpr>(Base))
        return dyn_cast<FieldDecl>(ME->getMemberDecl());
      E = Base;
    }
    return nullptr;
  };
  for (unsigned Depth = 0; Depth < 12; ++Depth) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return nullptr;
    const DynTypedNode &P = Parents[0];
    if (const auto *Init = P.get<CXXCtorInitializer>()) {
      StoreLoc = Init->getSourceLocation();
      return Init->getMember();
    }
    if (const auto *Ctor = P.get<CXXConstructorDecl>()) {
      const Expr *Here = Node.get<Expr>();
      for (const CXXCtorInitializer *Init : Ctor->inits())
        if (Here && Init->isMemberInitializer() && Init->getInit() == Here) {
          StoreLoc = Init->getSourceLocation();
          return Init->getMember();
        }
      return nullptr;
    }
    if (const auto *F = P.get<FieldDecl>()) {
      StoreLoc = F->getLocation();
      return const_cast<FieldDecl *>(F);
    }
    const auto *E = P.get<Expr>();
    if (!E)
      return nullptr;
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2) {
        StoreLoc = Op->getOperatorLoc();
        return MemberOfThis(Op->getArg(0));
      }
      return nullptr;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      if (const FieldDecl *F = MemberOfThis(MC->getImplicitObjectArgument())) {
        StoreLoc = MC->getExprLoc();
        return F;
      }
      return nullptr;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->getOpcode() == BO_Assign) {
        StoreLoc = BO->getOperatorLoc();
        return MemberOfThis(BO->getLHS());
      }
      return nullptr;
    }
    if (const auto *C = dyn_cast<CallExpr>(E); C && !isStdMoveLike(C))
      return nullptr;
    if (isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
            ExprWithCleanups, CXXConstructExpr, ParenExpr,
            CXXFunctionalCastExpr, CallExpr, InitListExpr>(E)) {
      Node = P;
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

/// True if the destructor of `RD` waits for the task held in `F` itself.
static bool destructorJoins(const CXXRecordDecl *RD, const FieldDecl *F) {
  const CXXDestructorDecl *D = RD ? RD->getDestructor() : nullptr;
  if (!D || !D->hasBody())
    return false;
  struct Finder : RecursiveASTVisitor<Finder> {
    const FieldDecl *F;
    bool Found = false;
    bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MC) {
      const CXXMethodDecl *M = MC->getMethodDecl();
      if (!M || !M->getIdentifier())
        return true;
      StringRef Name = M->getName();
      if (Name == "join") {
        Found = true; // joins handles, whatever holds them
        return false;
      }
      if (Name == "reset" || Name == "clear" || Name == "cancel_and_wait")
        if (const auto *ME = dyn_cast<MemberExpr>(
                MC->getImplicitObjectArgument()->IgnoreParenImpCasts()))
          if (ME->getMemberDecl() == F) {
            Found = true;
            return false;
          }
      return true;
    }
  } V;
  V.F = F;
  V.TraverseStmt(D->getBody());
  return V.Found;
}

void SendableCheck::checkThisEscape(const LambdaExpr *LE, const CallExpr *Call,
                                    StringRef Entry, ASTContext &Ctx) {
  const LambdaCapture *ThisCapture = nullptr;
  for (const LambdaCapture &C : LE->captures())
    if (C.capturesThis() && C.getCaptureKind() != LCK_StarThis)
      ThisCapture = &C;
  if (!ThisCapture)
    return;
  SourceLocation StoreLoc;
  const FieldDecl *F = storedInMember(Call, Ctx, StoreLoc);
  if (!F)
    return;
  if (destructorJoins(dyn_cast<CXXRecordDecl>(F->getParent()), F))
    return;
  if (!Reported.insert(ThisCapture).second)
    return;
  diag(ThisCapture->getLocation(),
       "'this' is captured by %0, whose handle is stored in member %1: the "
       "task may outlive the object (its handle is joined only when %1 is "
       "destroyed, after the destructor has run and later members are gone); "
       "join it in the destructor, use a kara::scope, or capture copies")
      << displayEntry(Entry) << F;
  diag(StoreLoc, "the handle is stored in %0 here", DiagnosticIDs::Note) << F;
}

//===----------------------------------------------------------------------===//
// Rule 3: use of a kara::unique after it was moved into a task
//===----------------------------------------------------------------------===//

void SendableCheck::checkUseAfterMove(const FunctionDecl *FD, ASTContext &Ctx) {
  for (const UseAfterSend &U : findUsesAfterSend(FD, Ctx)) {
    diag(U.Use->getLocation(),
         "%0 is used after it was moved into a task; it holds no value any "
         "more (reassign it with kara::recover before using it again)")
        << U.Var;
    diag(U.Move->getLocation(),
         U.InEarlierIteration
             ? "moved into a task here, in an earlier iteration of the loop"
             : "moved into a task here",
         DiagnosticIDs::Note);
  }
}

//===----------------------------------------------------------------------===//
// Rule 5: racing by-reference captures (needs kara/Analysis/Concurrency.h)
//===----------------------------------------------------------------------===//

namespace {
/// The capture of `V` by the lambda of a side, if it captures it.
const LambdaCapture *captureOf(const ConcurrentSide &S, const VarDecl *V) {
  if (!S.Lambda)
    return nullptr;
  for (const LambdaCapture &C : S.Lambda->captures())
    if (C.capturesVariable() && C.getCapturedVar() &&
        C.getCapturedVar()->getCanonicalDecl() == V->getCanonicalDecl())
      return &C;
  return nullptr;
}

/// Element access (`v[i]`, `v.at(i)`, `v.data()`) through a non-const
/// member counts as a write of the container in the effect model; sides that
/// write different elements are the common, correct pattern, so it is
/// treated as a read here.
bool isElementAccess(const EffectEntry &E) {
  const FunctionDecl *Callee = E.Why.Callee;
  if (!Callee)
    return false;
  if (Callee->getOverloadedOperator() == OO_Subscript)
    return true;
  if (!Callee->getIdentifier())
    return false;
  static const llvm::StringSet<> Names = {"at", "data", "begin", "end",
                                          "front", "back", "rbegin", "rend"};
  return isa<CXXMethodDecl>(Callee) && Names.contains(Callee->getName());
}
bool writes(const EffectEntry &E) { return E.E.isWrite() && !isElementAccess(E); }


/// How a piece of code uses a pointer or reference variable: whether it
/// names it at all, and where it writes the data behind it.
struct ThroughUse {
  const Expr *Use = nullptr;
  const Expr *Write = nullptr;
};

const Expr *parentExpr(const Expr *E, ASTContext &Ctx) {
  DynTypedNodeList Ps = Ctx.getParents(*E);
  return Ps.empty() ? nullptr : Ps[0].get<Expr>();
}

/// True if the lvalue `L` is modified by its parent expression.
bool isModified(const Expr *L, ASTContext &Ctx) {
  const Expr *P = parentExpr(L, Ctx);
  while (P && (isa<ParenExpr>(P) ||
               (isa<ImplicitCastExpr>(P) &&
                cast<ImplicitCastExpr>(P)->getCastKind() == CK_NoOp))) {
    L = P;
    P = parentExpr(P, Ctx);
  }
  if (!P)
    return false;
  if (const auto *BO = dyn_cast<BinaryOperator>(P))
    return BO->isAssignmentOp() && BO->getLHS()->IgnoreParens() == L->IgnoreParens();
  if (const auto *UO = dyn_cast<UnaryOperator>(P))
    return UO->isIncrementDecrementOp();
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P))
    if (Op->getNumArgs() >= 1 && Op->getArg(0)->IgnoreParens() == L->IgnoreParens()) {
      if (Op->isAssignmentOp())
        return true;
      if (const auto *M = dyn_cast_or_null<CXXMethodDecl>(Op->getDirectCallee()))
        return !M->isConst() && Op->getOperator() != OO_Subscript;
    }
  if (const auto *ME = dyn_cast<MemberExpr>(P))
    if (ME->getBase()->IgnoreParens() == L->IgnoreParens()) {
      if (const auto *M = dyn_cast<CXXMethodDecl>(ME->getMemberDecl()))
        return !M->isConst();
      if (!ME->isArrow())
        return isModified(ME, Ctx);
    }
  return false;
}

ThroughUse usesThrough(const Stmt *S, const VarDecl *V, ASTContext &Ctx) {
  ThroughUse Out;
  if (!S)
    return Out;
  auto Refs = match(findAll(declRefExpr(to(varDecl(equalsNode(V)))).bind("r")),
                    *S, Ctx);
  for (const BoundNodes &N : Refs) {
    const auto *DRE = N.getNodeAs<DeclRefExpr>("r");
    if (!Out.Use)
      Out.Use = DRE;
    // The lvalue of the data behind V.
    const Expr *L = DRE;
    if (V->getType()->isPointerType()) {
      const Expr *P = parentExpr(DRE, Ctx);
      while (P && (isa<ParenExpr>(P) || isa<ImplicitCastExpr>(P)))
        P = parentExpr(P, Ctx);
      L = nullptr;
      if (const auto *UO = dyn_cast_or_null<UnaryOperator>(P);
          UO && UO->getOpcode() == UO_Deref)
        L = UO;
      else if (const auto *AS = dyn_cast_or_null<ArraySubscriptExpr>(P))
        L = AS;
      else if (const auto *ME = dyn_cast_or_null<MemberExpr>(P);
               ME && ME->isArrow()) {
        if (const auto *M = dyn_cast<CXXMethodDecl>(ME->getMemberDecl())) {
          if (!M->isConst() && !Out.Write)
            Out.Write = DRE;
          continue;
        }
        L = ME;
      }
    }
    if (L && !Out.Write && isModified(L, Ctx))
      Out.Write = DRE;
  }
  return Out;
}

/// True if every reference to `V` in `Side`'s code indexes it (`v[i]`,
/// `v.at(i)`, `v.size()`): tasks that write different elements are the
/// common, correct pattern, and the effect model cannot tell elements apart.
bool onlyIndexes(const ConcurrentSide &Side, const VarDecl *V, ASTContext &Ctx) {
  std::vector<const Stmt *> Code;
  if (Side.Lambda)
    Code.push_back(Side.Lambda->getBody());
  for (const Stmt *St : Side.ParentCode)
    Code.push_back(St);
  bool Any = false;
  for (const Stmt *St : Code) {
    if (!St)
      continue;
    auto Refs = match(
        findAll(declRefExpr(to(varDecl(equalsNode(V)))).bind("r")), *St, Ctx);
    for (const BoundNodes &N : Refs) {
      Any = true;
      const Expr *E = N.getNodeAs<DeclRefExpr>("r");
      const Expr *P = parentExpr(E, Ctx);
      while (P && (isa<ParenExpr>(P) || isa<ImplicitCastExpr>(P))) {
        E = P;
        P = parentExpr(P, Ctx);
      }
      if (const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(P))
        if (Op->getOperator() == OO_Subscript && Op->getArg(0) == E)
          continue;
      if (const auto *AS = dyn_cast_or_null<ArraySubscriptExpr>(P))
        if (AS->getBase() == E)
          continue;
      if (const auto *ME = dyn_cast_or_null<MemberExpr>(P))
        if (const auto *M = dyn_cast<CXXMethodDecl>(ME->getMemberDecl()))
          if (M->getIdentifier() &&
              (M->isConst() || M->getName() == "at" || M->getName() == "data"))
            continue;
      return false;
    }
  }
  return Any;
}

/// A pointer to mutable data, or a local reference to mutable data.
bool isAliasToMutable(const VarDecl *V) {
  QualType T = V->getType();
  if (const auto *PT = T->getAs<PointerType>())
    return !PT->getPointeeType().isConstQualified() &&
           !PT->getPointeeType()->isFunctionType();
  if (T->isLValueReferenceType() && !isa<ParmVarDecl>(V))
    return !T.getNonReferenceType().isConstQualified() &&
           !T.getNonReferenceType()->isFunctionType();
  return false;
}

/// The first access of `Side` to local `V`, the write if `WantWrite`.
const EffectEntry *accessTo(const std::vector<EffectEntry> &Entries,
                            const VarDecl *V, bool WantWrite) {
  const EffectEntry *Any = nullptr;
  for (const EffectEntry &E : Entries) {
    if (E.E.On.TargetKind != Target::Kind::Local || E.E.On.Object != V)
      continue;
    if (!Any)
      Any = &E;
    if (writes(E) == WantWrite)
      return &E;
  }
  return Any;
}
} // namespace

void SendableCheck::checkAliases(const SpawnSite &Site, ASTContext &Ctx) {
  auto CodeOf = [](const ConcurrentSide &S) {
    std::vector<const Stmt *> Code;
    if (S.Lambda)
      Code.push_back(S.Lambda->getBody());
    for (const Stmt *St : S.ParentCode)
      Code.push_back(St);
    return Code;
  };
  auto UsesOf = [&](const ConcurrentSide &S, const VarDecl *V) {
    ThroughUse U;
    for (const Stmt *St : CodeOf(S)) {
      ThroughUse One = usesThrough(St, V, Ctx);
      if (!U.Use)
        U.Use = One.Use;
      if (!U.Write)
        U.Write = One.Write;
    }
    return U;
  };
  for (auto [I, J] : Site.ConcurrentPairs) {
    if (I >= Site.Sides.size() || J >= Site.Sides.size())
      continue;
    const ConcurrentSide &SI = Site.Sides[I], &SJ = Site.Sides[J];
    // Pointers and references captured by reference by a lambda side.
    llvm::SmallVector<const VarDecl *, 4> Candidates;
    for (const ConcurrentSide *S : {&SI, &SJ})
      if (S->Lambda)
        for (const LambdaCapture &C : S->Lambda->captures())
          if (C.capturesVariable() && C.getCaptureKind() == LCK_ByRef)
            if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar());
                V && isAliasToMutable(V) && !llvm::is_contained(Candidates, V))
              Candidates.push_back(V);
    for (const VarDecl *V : Candidates) {
      ThroughUse UI = UsesOf(SI, V), UJ = UsesOf(SJ, V);
      if (!UI.Use || !UJ.Use || (!UI.Write && !UJ.Write))
        continue;
      bool IWrites = UI.Write != nullptr;
      const ConcurrentSide &SW = IWrites ? SI : SJ, &SO = IWrites ? SJ : SI;
      const ThroughUse &UW = IWrites ? UI : UJ, &UO = IWrites ? UJ : UI;
      if (!Reported.insert(UW.Write).second)
        continue;
      bool Pointer = V->getType()->isPointerType();
      if (I == J) {
        diag(UW.Write->getExprLoc(),
             "%select{reference|pointer}0 %1 to mutable data is captured by "
             "reference and written through by %2, which may run "
             "concurrently with itself; give each run its own data, or use "
             "std::atomic or a mutex")
            << Pointer << V << SW.ShortName;
        continue;
      }
      diag(UW.Write->getExprLoc(),
           "%select{reference|pointer}0 %1 to mutable data is captured by "
           "reference and written through by %2 while %3 %select{reads|"
           "writes}4 the same data; give each side its own data, or use "
           "std::atomic or a mutex")
          << Pointer << V << SW.ShortName << SO.ShortName
          << (UO.Write != nullptr);
      const Expr *Other = UO.Write ? UO.Write : UO.Use;
      diag(Other->getExprLoc(), "%0 %select{uses|writes through}1 %2 here",
           DiagnosticIDs::Note)
          << SO.ShortName << (UO.Write != nullptr) << V;
    }
  }
}

void SendableCheck::checkRaces(const FunctionDecl *FD, ASTContext &Ctx) {
  // Sites inside lambdas are found from the enclosing function.
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
    if (MD->getParent()->isLambda() && MD->getParent()->getDeclContext() &&
        isa<FunctionDecl>(MD->getParent()->getDeclContext()))
      return;
  std::vector<SpawnSite> Sites = findSpawnSites(FD, Ctx);
  if (Sites.empty())
    return;
  EffectAnalysis &A = analysis(Ctx);
  for (const SpawnSite &Site : Sites)
    checkAliases(Site, Ctx);
  for (const SpawnSite &Site : Sites) {
    std::vector<std::vector<EffectEntry>> Effects(Site.Sides.size());
    std::vector<bool> Computed(Site.Sides.size(), false);
    auto EffectsOf = [&](unsigned I) -> const std::vector<EffectEntry> & {
      if (!Computed[I]) {
        const ConcurrentSide &S = Site.Sides[I];
        Effects[I] = sideEffects(S, A, S.Context ? S.Context : FD);
        Computed[I] = true;
      }
      return Effects[I];
    };
    for (auto [I, J] : Site.ConcurrentPairs) {
      if (I >= Site.Sides.size() || J >= Site.Sides.size())
        continue;
      const std::vector<EffectEntry> &EI = EffectsOf(I);
      const std::vector<EffectEntry> &EJ = EffectsOf(J);
      // Locals written by one side and touched by the other.
      llvm::SmallVector<const VarDecl *, 4> Vars;
      for (const EffectEntry &X : EI) {
        if (X.E.On.TargetKind != Target::Kind::Local || !X.E.On.Object)
          continue;
        const auto *V = static_cast<const VarDecl *>(X.E.On.Object);
        if (llvm::is_contained(Vars, V))
          continue;
        for (const EffectEntry &Y : EJ)
          if (Y.E.On.TargetKind == Target::Kind::Local &&
              Y.E.On.Object == V && (writes(X) || writes(Y))) {
            Vars.push_back(V);
            break;
          }
      }
      for (const VarDecl *V : Vars) {
        if (isThreadSafeType(V->getType()))
          continue;
        // The writer W and the other side O.
        unsigned W = I, O = J;
        const EffectEntry *WAcc = accessTo(EI, V, true);
        const EffectEntry *OAcc = accessTo(EJ, V, true);
        if (!WAcc || !writes(*WAcc)) {
          std::swap(W, O);
          WAcc = accessTo(EJ, V, true);
          OAcc = accessTo(EI, V, true);
        }
        if (!WAcc || !OAcc || !writes(*WAcc))
          continue;
        if (onlyIndexes(Site.Sides[W], V, Ctx) &&
            (W == O || onlyIndexes(Site.Sides[O], V, Ctx)))
          continue;
        const ConcurrentSide &SW = Site.Sides[W], &SO = Site.Sides[O];
        // Report at a by-reference capture: the reader's if it has one,
        // otherwise the writer's.
        const LambdaCapture *Cap = captureOf(SO, V);
        const ConcurrentSide *Capturer = &SO;
        if (!Cap || Cap->getCaptureKind() != LCK_ByRef) {
          Cap = captureOf(SW, V);
          Capturer = &SW;
        }
        if (Cap && Cap->getCaptureKind() != LCK_ByRef)
          Cap = nullptr;
        const void *Key = Cap ? static_cast<const void *>(Cap)
                              : static_cast<const void *>(WAcc);
        if (!Reported.insert(Key).second)
          continue;
        SourceLocation Loc = Cap ? Cap->getLocation() : WAcc->Why.Loc;
        bool OWrites = writes(*OAcc);
        if (W == O) {
          diag(Loc, "variable %0 is captured by reference and written by %1, "
                    "which may run concurrently with itself (%2); give each "
                    "run its own copy, or use std::atomic or a mutex")
              << V << SW.ShortName
              << (SW.SideKind == ConcurrentSide::MapCallable
                      ? "it is called for every element at once"
                      : "it is spawned in a loop");
        } else if (SO.SideKind == ConcurrentSide::Parent) {
          diag(Loc, "variable %0 is captured by reference by %1 and written "
                    "there while %2 %select{reads|writes}3 it; the parent "
                    "may touch it only after the join (or capture a copy)")
              << V << SW.ShortName << SO.ShortName << OWrites;
        } else {
          diag(Loc, "variable %0 is captured by reference by %1 and written "
                    "by %2 while it may run; capture a copy, give each side "
                    "its own variable, or use std::atomic or a mutex")
              << V << (Capturer == &SO ? SO.ShortName : SW.ShortName)
              << (Capturer == &SO ? SW.ShortName : SO.ShortName);
          if (Capturer != &SO)
            ; // both write: the message names the capturer first
        }
        diag(WAcc->Why.Loc, "%0 writes %1 here", DiagnosticIDs::Note)
            << SW.ShortName << V;
        if (W != O && OAcc->Why.Loc.isValid())
          diag(OAcc->Why.Loc, "%0 %select{reads|writes}1 %2 here",
               DiagnosticIDs::Note)
              << SO.ShortName << OWrites << V;
      }
    }
  }
}

} // namespace kara
