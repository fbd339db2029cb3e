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
#include "kara/Analysis/RuntimeApi.h"
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
/// Calls kara-sendable looks at: entries that cross a spawn boundary, and
/// kara::recover.
AST_MATCHER(CallExpr, crossesSpawnBoundary) {
  const runtime::EntryInfo *E = runtime::classify(&Node);
  return E && (E->has(runtime::CrossesBoundary) ||
               E->Kind == runtime::EntryKind::Recover);
}
AST_MATCHER(CXXConstructExpr, constructsRuntimeHandle) {
  const runtime::EntryInfo *E = runtime::classify(&Node);
  return E && E->has(runtime::CrossesBoundary);
}
AST_MATCHER(FunctionDecl, isInDependentContext) {
  return Node.isDependentContext();
}

std::string displayEntry(const runtime::EntryInfo &E) {
  std::string Name = E.Display.str();
  switch (E.Kind) {
  case runtime::EntryKind::NurserySpawn:
    return "a task of kara::scope (n." + Name.substr(Name.rfind(':') + 1) + ")";
  case runtime::EntryKind::ParLike:
    return "a branch of " + Name;
  case runtime::EntryKind::Map:
    return "the callable of " + Name;
  default:
    return "a task of " + Name;
  }
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
      callExpr(crossesSpawnBoundary(),
               optionally(forCallable(functionDecl().bind("spawn-context"))))
          .bind("spawn"),
      this);
  Finder->addMatcher(
      cxxConstructExpr(
          constructsRuntimeHandle(),
          optionally(forCallable(functionDecl().bind("spawn-context"))))
          .bind("construct"),
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
    // The runtime's own calls (par_forced inside race and map) are not user
    // code.
    const auto *Context = Result.Nodes.getNodeAs<FunctionDecl>("spawn-context");
    if (!Context || !runtime::isRuntimeCode(Context))
      checkSpawnCall(Call, Ctx);
    return;
  }
  if (const auto *CE = Result.Nodes.getNodeAs<CXXConstructExpr>("construct")) {
    const auto *Context = Result.Nodes.getNodeAs<FunctionDecl>("spawn-context");
    if (!Context || !runtime::isRuntimeCode(Context))
      checkActorConstruction(CE, Ctx);
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
  const runtime::EntryInfo *Entry = runtime::classify(Call);
  if (!Entry)
    return;
  if (Entry->Kind == runtime::EntryKind::Recover) {
    checkRecover(Call, Ctx);
    return;
  }
  for (unsigned I = 0; I < Call->getNumArgs(); ++I) {
    if (!Entry->isCallableArg(I))
      continue;
    const Expr *Arg = Call->getArg(I);
    const LambdaExpr *LE = lambdaOf(Arg);
    if (!LE)
      continue;
    checkCaptures(LE, Arg, Call, *Entry, Ctx);
    if (Entry->has(runtime::JoinsOnDestroy))
      checkThisEscape(LE, Call, *Entry, Ctx);
  }
  checkSentValues(llvm::ArrayRef(Call->getArgs(), Call->getNumArgs()), *Entry,
                  Ctx);
  if (Entry->has(runtime::ReturnsResult))
    checkResult(Call, *Entry, Ctx);
}

/// What receives the values of an entry, for messages: "a message to an
/// actor (send)", "a task of kara::spawn", ...
static std::string receiverOf(const runtime::EntryInfo &E) {
  switch (E.Kind) {
  case runtime::EntryKind::ActorMessage:
    return "a message to an actor (" + E.Display.str() + ")";
  case runtime::EntryKind::ActorConstruct:
    return "the construction of an actor";
  case runtime::EntryKind::ChannelOp:
    return "a channel (" + E.Display.str() + ")";
  case runtime::EntryKind::Promise:
    return "a promise (" + E.Display.str() + ")";
  default:
    return displayEntry(E);
  }
}

void SendableCheck::checkSentValues(llvm::ArrayRef<const Expr *> Args,
                                    const runtime::EntryInfo &Entry,
                                    ASTContext &Ctx) {
  for (unsigned I = 0; I < Args.size(); ++I) {
    if (!Entry.isSentArg(I))
      continue;
    const Expr *Arg = Args[I];
    QualType T = Arg->getType().getNonReferenceType().getUnqualifiedType();
    if (T.isNull() || T->isDependentType() || isa<CXXDefaultArgExpr>(Arg))
      continue;
    std::optional<NotSendable> Why = whyNotSendable(T, Ctx);
    if (!Why || !Reported.insert(Arg).second)
      continue;
    diag(Arg->getBeginLoc(),
         "argument %0 of %1 is not sendable: %2; it would share data with "
         "another task; send a sendable copy, move it in as a kara::unique, "
         "or opt the type in")
        << (I - Entry.FirstSent + 1) << receiverOf(Entry) << Why->str();
  }
}

/// The member of `this` a handler returns (`return n;`, `return &n;`,
/// `return this->n;`), if its body returns one.
static const FieldDecl *returnedMember(const CXXMethodDecl *M) {
  const auto *Body = M ? dyn_cast_or_null<CompoundStmt>(M->getBody()) : nullptr;
  if (!Body)
    return nullptr;
  for (const Stmt *S : Body->body())
    if (const auto *Ret = dyn_cast<ReturnStmt>(S)) {
      const Expr *E = Ret->getRetValue();
      E = E ? E->IgnoreParenImpCasts() : nullptr;
      if (const auto *UO = dyn_cast_or_null<UnaryOperator>(E);
          UO && UO->getOpcode() == UO_AddrOf)
        E = UO->getSubExpr()->IgnoreParenImpCasts();
      if (const auto *ME = dyn_cast_or_null<MemberExpr>(E))
        if (isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
          return dyn_cast<FieldDecl>(ME->getMemberDecl());
    }
  return nullptr;
}

void SendableCheck::checkResult(const CallExpr *Call,
                                const runtime::EntryInfo &Entry,
                                ASTContext &Ctx) {
  const CXXMethodDecl *Handler = runtime::messageHandler(Call);
  if (!Handler || Handler->isDependentContext())
    return;
  QualType R = Handler->getReturnType();
  if (R->isVoidType() || R->isDependentType())
    return;
  std::optional<NotSendable> Why = whyNotSendable(R, Ctx);
  if (!Why || !Reported.insert(Call).second)
    return;
  const FieldDecl *Member = returnedMember(Handler);
  diag(Call->getArg(0)->getBeginLoc(),
       "the result of a message (%0) is not sendable: %1; %select{it would "
       "let the "
       "actor's state escape to the caller|the actor's state member %3 "
       "would escape to the caller}2, outside the actor's messages (return "
       "a copy)")
      << Entry.Display << Why->str() << (Member != nullptr) << Member;
  diag(Handler->getLocation(), "the handler %0 is declared here",
       DiagnosticIDs::Note)
      << Handler;
}

void SendableCheck::checkActorConstruction(const CXXConstructExpr *CE,
                                           ASTContext &Ctx) {
  const runtime::EntryInfo *Entry = runtime::classify(CE);
  if (!Entry || !Entry->has(runtime::CrossesBoundary))
    return;
  checkSentValues(llvm::ArrayRef(CE->getArgs(), CE->getNumArgs()), *Entry, Ctx);
}

static bool argIsTheLambda(const Expr *Arg, const LambdaExpr *LE) {
  return skipWrappers(Arg) == LE;
}

void SendableCheck::checkCaptures(const LambdaExpr *LE, const Expr *Arg,
                                  const CallExpr *Call,
                                  const runtime::EntryInfo &Entry,
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
          << Entry.Display;
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
      if (runtime::isJoinMethod(M)) {
        Found = true; // joins handles, whatever holds them
        return false;
      }
      if (runtime::isReleaseMethod(M))
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
                                    const runtime::EntryInfo &Entry,
                                    ASTContext &Ctx) {
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

/// What a kara::unique was moved into, for %select: a task, a message to an
/// actor, a new actor, a channel, a promise.
static unsigned sentInto(const runtime::EntryInfo *E) {
  if (!E)
    return 0;
  switch (E->Kind) {
  case runtime::EntryKind::ActorMessage:
    return 1;
  case runtime::EntryKind::ActorConstruct:
    return 2;
  case runtime::EntryKind::ChannelOp:
    return 3;
  case runtime::EntryKind::Promise:
    return 4;
  default:
    return 0;
  }
}

void SendableCheck::checkUseAfterMove(const FunctionDecl *FD, ASTContext &Ctx) {
  for (const UseAfterSend &U : findUsesAfterSend(FD, Ctx)) {
    diag(U.Use->getLocation(),
         "%0 is used after it was moved into %select{a task|a message to an "
         "actor|a new actor|a channel|a promise}1; it holds no value any "
         "more (reassign it with kara::recover before using it again)")
        << U.Var << sentInto(U.Into);
    diag(U.Move->getLocation(),
         U.InEarlierIteration
             ? "moved into %select{a task|a message to an actor|a new "
               "actor|a channel|a promise}0 here, in an earlier iteration of "
               "the loop"
             : "moved into %select{a task|a message to an actor|a new "
               "actor|a channel|a promise}0 here",
         DiagnosticIDs::Note)
        << sentInto(U.Into);
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
