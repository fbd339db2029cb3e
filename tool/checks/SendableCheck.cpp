//===- SendableCheck.cpp - kara-sendable
//--------------------------------------===//
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
AST_MATCHER(CallExpr, crossesSpawnBoundary) {
  return !spawnEntryName(&Node).empty();
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
  if (Entry == "kara::par")
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
  Finder->addMatcher(callExpr(crossesSpawnBoundary()).bind("spawn"), this);
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
    const LambdaExpr *LE = lambdaOf(Arg);
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
  const LambdaExpr *LE = lambdaOf(Arg);
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

void SendableCheck::checkAliases(const SpawnSite &Site, ASTContext &Ctx) {
  for (const AliasRace &R : findAliasRaces(Site, Ctx)) {
    if (!Reported.insert(R.Write).second)
      continue;
    const ConcurrentSide &SW = Site.Sides[R.Writer], &SO = Site.Sides[R.Other];
    if (R.Writer == R.Other) {
      diag(R.Write->getExprLoc(),
           "%select{reference|pointer}0 %1 to mutable data is captured by "
           "reference and written through by %2, which may run "
           "concurrently with itself; give each run its own data, or use "
           "std::atomic or a mutex")
          << R.Pointer << R.Var << SW.ShortName;
      continue;
    }
    diag(R.Write->getExprLoc(),
         "%select{reference|pointer}0 %1 to mutable data is captured by "
         "reference and written through by %2 while %3 %select{reads|"
         "writes}4 the same data; give each side its own data, or use "
         "std::atomic or a mutex")
        << R.Pointer << R.Var << SW.ShortName << SO.ShortName << R.OtherWrites;
    diag(R.OtherUse->getExprLoc(), "%0 %select{uses|writes through}1 %2 here",
         DiagnosticIDs::Note)
        << SO.ShortName << R.OtherWrites << R.Var;
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
  for (const SpawnSite &Site : Sites)
    for (const CapturedLocalRace &R :
         findCapturedLocalRaces(Site, A, FD, Ctx)) {
      const void *Key = R.Capture ? static_cast<const void *>(R.Capture)
                                  : R.WriterAccess.Why.Loc.getPtrEncoding();
      if (!Reported.insert(Key).second)
        continue;
      const ConcurrentSide &SW = Site.Sides[R.Writer],
                           &SO = Site.Sides[R.Other];
      SourceLocation Loc =
          R.Capture ? R.Capture->getLocation() : R.WriterAccess.Why.Loc;
      if (R.Writer == R.Other) {
        diag(Loc, "variable %0 is captured by reference and written by %1, "
                  "which may run concurrently with itself (%2); give each "
                  "run its own copy, or use std::atomic or a mutex")
            << R.Var << SW.ShortName
            << (SW.SideKind == ConcurrentSide::MapCallable
                    ? "it is called for every element at once"
                    : "it is spawned in a loop");
      } else if (SO.SideKind == ConcurrentSide::Parent) {
        diag(Loc, "variable %0 is captured by reference by %1 and written "
                  "there while %2 %select{reads|writes}3 it; the parent "
                  "may touch it only after the join (or capture a copy)")
            << R.Var << SW.ShortName << SO.ShortName << R.OtherWrites;
      } else {
        // Name the side whose capture is reported first.
        diag(Loc, "variable %0 is captured by reference by %1 and written "
                  "by %2 while it may run; capture a copy, give each side "
                  "its own variable, or use std::atomic or a mutex")
            << R.Var << (R.CapturedByOther ? SO.ShortName : SW.ShortName)
            << (R.CapturedByOther ? SW.ShortName : SO.ShortName);
      }
      diag(R.WriterAccess.Why.Loc, "%0 writes %1 here", DiagnosticIDs::Note)
          << SW.ShortName << R.Var;
      if (R.Writer != R.Other && R.OtherAccess.Why.Loc.isValid())
        diag(R.OtherAccess.Why.Loc, "%0 %select{reads|writes}1 %2 here",
             DiagnosticIDs::Note)
            << SO.ShortName << R.OtherWrites << R.Var;
    }
}

} // namespace kara
