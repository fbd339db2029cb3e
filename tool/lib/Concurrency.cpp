//===- Concurrency.cpp - What runs concurrently with what
//------------------===//
//
// See Concurrency.h. The walk that decides which code of the parent runs
// while a task may run goes up from the spawn call to the scope body (or
// the function body): in every compound statement on the way, the
// statements after the one holding the spawn run concurrently, up to a
// join of the task's handle; a loop on the way runs entirely concurrently
// (its other iterations) and makes the task repeated.
//
//===----------------------------------------------------------------------===//

#include "kara/Analysis/Concurrency.h"

#include "kara/Analysis/RuntimeApi.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <limits>
#include <set>

using namespace clang;

namespace kara {

namespace {

using runtime::EntryInfo;
using runtime::EntryKind;

/// The entry point `CE` calls, or null (runtime code that is no entry, and
/// anything else).
const EntryInfo *classify(const CallExpr *CE) { return runtime::classify(CE); }

/// True if `CE` calls into the runtime (an entry point or any other
/// function of namespace kara: join, cancel, ...).
/// A call whose effects the analysis models itself (a message to an actor, an
/// operation on a channel: an effect on the receiver) does not count.
bool callsRuntime(const CallExpr *CE) {
  if (const EntryInfo *E = classify(CE);
      E && E->Receiver != runtime::ReceiverEffect::NoEffect)
    return false;
  const FunctionDecl *FD = CE->getDirectCallee();
  return FD && runtime::isRuntimeCode(FD);
}

using runtime::isRuntimeType;

const Expr *strip(const Expr *E) {
  for (unsigned I = 0; E && I < 32; ++I) {
    const Expr *Before = E;
    E = E->IgnoreParenImpCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(E))
      E = EWC->getSubExpr();
    else if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
      E = MTE->getSubExpr();
    else if (const auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E))
      E = BTE->getSubExpr();
    else if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
      E = FC->getSubExpr();
    else if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      if (CE->getNumArgs() == 1 && CE->getConstructor() &&
          CE->getConstructor()->isCopyOrMoveConstructor())
        E = CE->getArg(0);
    }
    if (E == Before)
      break;
  }
  return E;
}

/// std::move(x), std::forward<T>(x), std::ref(x), std::cref(x): x.
const Expr *throughStdWrappers(const Expr *E) {
  for (unsigned I = 0; E && I < 8; ++I) {
    E = strip(E);
    const auto *CE = dyn_cast<CallExpr>(E);
    if (!CE || CE->getNumArgs() != 1)
      return E;
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!FD || !FD->isInStdNamespace())
      return E;
    StringRef N = FD->getName();
    if (N != "move" && N != "forward" && N != "ref" && N != "cref")
      return E;
    E = CE->getArg(0);
  }
  return E;
}

const FunctionDecl *canonicalFn(const FunctionDecl *FD) {
  return FD ? FD->getCanonicalDecl() : nullptr;
}

/// The function whose body a variable belongs to.
const FunctionDecl *ownerOf(const VarDecl *V) {
  const DeclContext *DC = V->getDeclContext();
  for (; DC; DC = DC->getParent())
    if (const auto *FD = dyn_cast<FunctionDecl>(DC))
      return FD->getCanonicalDecl();
  return nullptr;
}

/// The call operator that is analysed for a lambda (an instantiation for a
/// generic lambda).
const CXXMethodDecl *callOperatorOf(const LambdaExpr *LE) {
  const CXXMethodDecl *Op = LE->getCallOperator();
  if (!Op)
    return nullptr;
  if (const FunctionTemplateDecl *FTD = Op->getDescribedFunctionTemplate()) {
    for (const FunctionDecl *Spec : FTD->specializations())
      if (const auto *M = dyn_cast<CXXMethodDecl>(Spec))
        return M;
    return nullptr;
  }
  return Op;
}

/// True if `S` calls the runtime or makes/destroys runtime objects. Bodies
/// of lambdas `S` creates run elsewhere and count only `IntoLambdas` (a
/// summary of a body that creates a task runs into the runtime's internals).
bool containsRuntime(const Stmt *S, bool IntoLambdas = false) {
  if (!S)
    return false;
  if (const auto *LE = dyn_cast<LambdaExpr>(S); LE && !IntoLambdas) {
    for (const Expr *Init : LE->capture_inits())
      if (containsRuntime(Init))
        return true;
    return false;
  }
  if (const auto *CE = dyn_cast<CallExpr>(S))
    if (callsRuntime(CE))
      return true;
  if (const auto *E = dyn_cast<Expr>(S))
    if ((isa<CXXConstructExpr>(E) || isa<CXXBindTemporaryExpr>(E)) &&
        isRuntimeType(E->getType()))
      return true;
  if (const auto *DS = dyn_cast<DeclStmt>(S))
    for (const Decl *D : DS->decls())
      if (const auto *V = dyn_cast<VarDecl>(D))
        if (isRuntimeType(V->getType()))
          return true;
  for (const Stmt *Child : S->children())
    if (containsRuntime(Child, IntoLambdas))
      return true;
  return false;
}

struct ClosureRules {
  const FunctionDecl *Op = nullptr; // canonical call operator
  std::set<std::string> ByCopy;
  bool StarThis = false;
  bool IsLambda = false;
};

ClosureRules rulesFor(const FunctionDecl *Fn) {
  ClosureRules R;
  R.Op = canonicalFn(Fn);
  const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Fn);
  if (!MD || !MD->getParent()->isLambda())
    return R;
  R.IsLambda = true;
  for (const LambdaCapture &C : MD->getParent()->captures()) {
    if (C.getCaptureKind() == LCK_StarThis)
      R.StarThis = true;
    else if (C.getCaptureKind() == LCK_ByCopy && C.capturesVariable() &&
             C.getCapturedVar())
      R.ByCopy.insert(C.getCapturedVar()->getNameAsString());
  }
  return R;
}

/// Keeps an effect of code written in the function `Rules.Op` as seen from
/// outside it: the closure's copies, the function's parameters and (unless
/// asked) its own locals are private.
bool keepOutside(const Target &T, const ClosureRules &Rules,
                 bool KeepOwnLocals) {
  switch (T.TargetKind) {
  case Target::Kind::Param:
    return false;
  case Target::Kind::Local:
    if (KeepOwnLocals)
      return true;
    return ownerOf(static_cast<const VarDecl *>(T.Object)) != Rules.Op;
  case Target::Kind::This:
    if (!Rules.IsLambda)
      return true;
    if (Rules.StarThis)
      return false;
    return T.Path.empty() || !Rules.ByCopy.count(T.Path.front());
  default:
    return true;
  }
}

/// Parent code written directly in an ordinary function: its reference
/// parameters are the variables a lambda captures by reference (Local
/// targets there), so they are named the same way here.
Target paramAsLocal(const Target &T, const FunctionDecl *Fn) {
  if (T.TargetKind != Target::Kind::Param || !Fn ||
      T.ParamIndex >= Fn->getNumParams())
    return T;
  const ParmVarDecl *P = Fn->getParamDecl(T.ParamIndex);
  return Target::local(P->getCanonicalDecl(), P->getNameAsString(), T.Path);
}

Reason unknownCallable(const Expr *E, const std::string &What) {
  Reason R;
  R.ReasonKind = Reason::Kind::Indirect;
  R.Loc = E ? E->getBeginLoc() : SourceLocation();
  R.Detail = What;
  return R;
}

/// Effects of code that may contain runtime calls, computed piecewise so
/// that the runtime's own (unknown) internals do not swallow the rest.
class RuntimeAwareEffects {
public:
  RuntimeAwareEffects(EffectAnalysis &A,
                      const std::vector<const CallExpr *> &Separate)
      : A(A), Separate(Separate.begin(), Separate.end()) {}

  /// The side is a branch of kara::par or kara::race: capture-only lambdas
  /// are seen from the enclosing function (enclosingView).
  bool ParBranchSide = false;

  /// Effects of statement `S` written in `Ctx` (locals of Ctx kept).
  void statement(const Stmt *S, const FunctionDecl *Ctx,
                 std::vector<EffectEntry> &Out, unsigned Depth = 0) {
    if (!S || Depth > 64)
      return;
    if (!containsRuntime(S)) {
      std::vector<EffectEntry> Entries = A.statementEffects(S, Ctx);
      Out.insert(Out.end(), Entries.begin(), Entries.end());
      return;
    }
    if (const auto *E = dyn_cast<Expr>(S)) {
      const Expr *Stripped = strip(E);
      if (const auto *LE = dyn_cast<LambdaExpr>(Stripped)) {
        for (const Expr *Init : LE->capture_inits())
          statement(Init, Ctx, Out, Depth + 1);
        return;
      }
      if (const auto *CE = dyn_cast<CallExpr>(Stripped)) {
        if (callsRuntime(CE)) {
          runtimeCall(CE, classify(CE), Ctx, Out, Depth);
          return;
        }
      }
      if (Stripped != E) {
        statement(Stripped, Ctx, Out, Depth + 1);
        return;
      }
    }
    if (const auto *DS = dyn_cast<DeclStmt>(S)) {
      for (const Decl *D : DS->decls())
        if (const auto *V = dyn_cast<VarDecl>(D))
          if (const Expr *Init = V->getInit())
            statement(Init, Ctx, Out, Depth + 1);
      return;
    }
    for (const Stmt *Child : S->children())
      statement(Child, Ctx, Out, Depth + 1);
  }

  /// Effects of calling `Callable` (a lambda, a function, ...), seen from
  /// the function it is written in.
  void callable(const Expr *Callable, std::vector<EffectEntry> &Out,
                unsigned Depth = 0) {
    if (!Callable)
      return;
    if (Depth > 16) {
      Out.push_back({Effect::unknown(),
                     unknownCallable(Callable, "a deeply nested callable")});
      return;
    }
    if (const LambdaExpr *LE = lambdaOf(Callable)) {
      lambdaBody(LE, Out, Depth);
      return;
    }
    if (const FunctionDecl *FD = functionOf(Callable)) {
      for (const EffectEntry &Entry : A.summaryOf(FD).Entries)
        if (Entry.E.On.TargetKind != Target::Kind::Param)
          Out.push_back(Entry);
      return;
    }
    // A function object of class type with a known operator().
    const Expr *S = throughStdWrappers(Callable);
    if (const auto *RD = S->getType()->getAsCXXRecordDecl()) {
      const CXXMethodDecl *Call = nullptr;
      for (const CXXMethodDecl *M : RD->methods())
        if (M->getOverloadedOperator() == OO_Call && !M->isDependentContext()) {
          if (Call) {
            Call = nullptr; // overloaded: which one is unclear
            break;
          }
          Call = M;
        }
      if (Call && !RD->isLambda() && Call->hasBody()) {
        for (const EffectEntry &Entry : A.summaryOf(Call).Entries)
          if (Entry.E.On.TargetKind != Target::Kind::Param &&
              Entry.E.On.TargetKind != Target::Kind::This)
            Out.push_back(Entry);
        return;
      }
    }
    std::string Text = "the callable";
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      Text = "the callable '" + DRE->getDecl()->getNameAsString() + "'";
    Out.push_back(
        {Effect::unknown(),
         unknownCallable(Callable,
                         Text + " (not a lambda or a named function)")});
  }

  void lambdaBody(const LambdaExpr *LE, std::vector<EffectEntry> &Out,
                  unsigned Depth) {
    const CXXMethodDecl *Op = callOperatorOf(LE);
    if (!Op || !Op->hasBody()) {
      Out.push_back(
          {Effect::unknown(),
           unknownCallable(LE, "a generic lambda never instantiated")});
      return;
    }
    ClosureRules Rules = rulesFor(Op);
    std::vector<EffectEntry> Entries;
    if (!containsRuntime(Op->getBody(), /*IntoLambdas=*/true)) {
      if (enclosingView(LE, Op, Out))
        return;
      Entries = A.summaryOf(Op).Entries;
    } else {
      const Stmt *Body = Op->getBody();
      if (const auto *CS = dyn_cast<CompoundStmt>(Body))
        for (const Stmt *Child : CS->body())
          statement(Child, Op, Entries, Depth + 1);
      else
        statement(Body, Op, Entries, Depth + 1);
    }
    for (const EffectEntry &Entry : Entries)
      if (keepOutside(Entry.E.On, Rules, /*KeepOwnLocals=*/false))
        Out.push_back(Entry);
  }

private:
  /// A lambda that only captures (no init-captures, not mutable): its body
  /// statements mean what they would mean written in the enclosing
  /// function, so they are analysed there, like kara-parallelize analysed
  /// them before moving them into a branch (a captured local pointer keeps
  /// its known pointee, a captured reference its referent). A statement
  /// naming a pointer, reference or class variable declared in the body is
  /// analysed in the lambda instead, where that variable is known. False if
  /// the lambda does not qualify.
  bool enclosingView(const LambdaExpr *LE, const CXXMethodDecl *Op,
                     std::vector<EffectEntry> &Out) {
    const auto *Enclosing =
        dyn_cast_or_null<FunctionDecl>(LE->getLambdaClass()->getDeclContext());
    const auto *Body = dyn_cast_or_null<CompoundStmt>(Op->getBody());
    if (!ParBranchSide || !Enclosing || !Body || LE->isMutable() ||
        LE->isGenericLambda())
      return false;
    for (const LambdaCapture &C : LE->captures())
      if (LE->isInitCapture(&C))
        return false;
    ClosureRules Rules = rulesFor(Op);
    const FunctionDecl *Own = canonicalFn(Op);
    // By-copy captures are the closure's private copies.
    std::set<const VarDecl *> Copies;
    for (const LambdaCapture &C : LE->captures())
      if (C.capturesVariable() && C.getCaptureKind() == LCK_ByCopy)
        if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar()))
          Copies.insert(V->getCanonicalDecl());
    for (const Stmt *S : Body->body()) {
      if (namesBodyIndirection(S, Own)) {
        for (const EffectEntry &Entry : A.statementEffects(S, Op))
          if (keepOutside(Entry.E.On, Rules, /*KeepOwnLocals=*/false))
            Out.push_back(Entry);
        continue;
      }
      for (EffectEntry Entry : A.statementEffects(S, Enclosing)) {
        Entry.E.On = paramAsLocal(Entry.E.On, Enclosing);
        if (Entry.E.On.TargetKind == Target::Kind::Local) {
          const auto *V = static_cast<const VarDecl *>(Entry.E.On.Object);
          if (ownerOf(V) == Own || Copies.count(V->getCanonicalDecl()))
            continue; // the branch's own locals and copies are private
        }
        Out.push_back(Entry);
      }
    }
    return true;
  }

  /// True if S names a variable declared in the body of `Own` whose type
  /// can designate other objects (pointer, reference, class).
  static bool namesBodyIndirection(const Stmt *S, const FunctionDecl *Own) {
    if (!S)
      return false;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl())) {
        QualType T = V->getType();
        if (ownerOf(V) == Own &&
            (T->isPointerType() || T->isReferenceType() || T->isRecordType()))
          return true;
      }
    for (const Stmt *Child : S->children())
      if (namesBodyIndirection(Child, Own))
        return true;
    return false;
  }

  /// A call into the runtime: its arguments are evaluated here; the
  /// callables an entry runs (`Entry` null: none) count as called here, except
  /// a task that is a side of its own.
  void runtimeCall(const CallExpr *CE, const EntryInfo *Entry,
                   const FunctionDecl *Ctx, std::vector<EffectEntry> &Out,
                   unsigned Depth) {
    if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(CE))
      statement(MCE->getImplicitObjectArgument(), Ctx, Out, Depth + 1);
    bool SeparateTask = Separate.count(CE) != 0;
    for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
      const Expr *Arg = CE->getArg(I);
      bool IsCallable = false;
      if (Entry && Entry->isCallableArg(I)) {
        switch (Entry->Kind) {
        case EntryKind::Spawn:
        case EntryKind::NurserySpawn:
          IsCallable = !SeparateTask;
          break;
        case EntryKind::InPlace:
        case EntryKind::Recover:
          IsCallable = lambdaOf(Arg) || functionOf(Arg);
          break;
        default:
          IsCallable = true;
        }
      }
      // Evaluating the argument: the closure's by-copy captures, ...
      statement(Arg, Ctx, Out, Depth + 1);
      if (IsCallable)
        callable(Arg, Out, Depth + 1);
    }
  }

  EffectAnalysis &A;
  llvm::SmallPtrSet<const CallExpr *, 8> Separate;
};

/// Parent pointers of statements below a root, lambda bodies included.
class ParentIndex {
public:
  explicit ParentIndex(const Stmt *Root) { build(Root, 0); }
  const Stmt *parent(const Stmt *S) const {
    auto It = Parents.find(S);
    return It == Parents.end() ? nullptr : It->second;
  }

private:
  void build(const Stmt *S, unsigned Depth) {
    if (!S || Depth > 512)
      return;
    for (const Stmt *Child : S->children())
      if (Child) {
        Parents.try_emplace(Child, S);
        build(Child, Depth + 1);
      }
  }
  llvm::DenseMap<const Stmt *, const Stmt *> Parents;
};

bool isLoop(const Stmt *S) {
  return isa<ForStmt>(S) || isa<WhileStmt>(S) || isa<DoStmt>(S) ||
         isa<CXXForRangeStmt>(S);
}

const VarDecl *refersToVar(const Expr *E) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E ? strip(E) : nullptr);
  return DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
}

/// A `h.join()` call in S (outside lambda bodies).
const CXXMemberCallExpr *findJoin(const Stmt *S, const VarDecl *H) {
  if (!S || !H)
    return nullptr;
  if (isa<LambdaExpr>(S))
    return nullptr;
  if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(S)) {
    const CXXMethodDecl *MD = MCE->getMethodDecl();
    const VarDecl *V = refersToVar(MCE->getImplicitObjectArgument());
    if (runtime::isJoinMethod(MD) && V &&
        V->getCanonicalDecl() == H->getCanonicalDecl())
      return MCE;
  }
  for (const Stmt *Child : S->children())
    if (const CXXMemberCallExpr *J = findJoin(Child, H))
      return J;
  return nullptr;
}

/// True if S is nothing but the join: `h.join();`, `auto v = h.join();`,
/// `v = h.join();`.
bool isPlainJoin(const Stmt *S, const CXXMemberCallExpr *J) {
  if (const auto *E = dyn_cast<Expr>(S)) {
    const Expr *St = strip(E);
    if (St == J)
      return true;
    if (const auto *BO = dyn_cast<BinaryOperator>(St))
      return BO->getOpcode() == BO_Assign && strip(BO->getRHS()) == J &&
             !containsRuntime(BO->getLHS()) &&
             isa<DeclRefExpr>(strip(BO->getLHS()));
    return false;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    if (!DS->isSingleDecl())
      return false;
    const auto *V = dyn_cast<VarDecl>(DS->getSingleDecl());
    return V && V->getInit() && strip(V->getInit()) == J;
  }
  return false;
}

unsigned lineOf(SourceLocation L, const ASTContext &Ctx) {
  return Ctx.getSourceManager().getPresumedLineNumber(
      Ctx.getSourceManager().getExpansionLoc(L));
}

/// The innermost function whose body holds `S`, given the parent index of
/// `Root`'s body (`Root` itself when no lambda is on the way).
const FunctionDecl *contextOf(const Stmt *S, const ParentIndex &PI,
                              const FunctionDecl *Root) {
  for (const Stmt *P = PI.parent(S); P; P = PI.parent(P))
    if (const auto *LE = dyn_cast<LambdaExpr>(P)) {
      // Only the body belongs to the lambda, capture inits to the outside.
      const Stmt *Child = S;
      (void)Child;
      if (const CXXMethodDecl *Op = callOperatorOf(LE))
        return Op;
    }
  return Root;
}

/// What the walk from a spawn up to a root finds.
struct Window {
  std::vector<const Stmt *> Code;
  bool Repeated = false;
  bool Joined = false;
  /// The join ends the task inside a top-level statement of the root.
  SourceLocation JoinLoc;
  /// Index of the statement of Root (a CompoundStmt) holding the spawn,
  /// and of the one holding the join (max if none).
  unsigned StartIndex = 0;
  unsigned EndIndex = std::numeric_limits<unsigned>::max();
  /// The task lambda the spawn is written in, if the walk stopped there.
  const LambdaExpr *StoppedAt = nullptr;
};

/// Walks from `Spawn` to `Root`. `JoinOnBlockEnd`: the handle's destructor
/// joins (kara::spawn). `StopAt`: lambdas at which to stop (the tasks of a
/// scope, when looking for the task a nested spawn belongs to).
Window walkUp(const CallExpr *Spawn, const Stmt *Root, const ParentIndex &PI,
              bool JoinOnBlockEnd,
              const llvm::SmallPtrSetImpl<const LambdaExpr *> &StopAt) {
  Window W;
  // The variable holding the handle, and whether the handle is a
  // temporary discarded at the end of its statement.
  const VarDecl *Handle = nullptr;
  bool Escapes = false, Discarded = false;
  {
    const Stmt *Child = Spawn;
    const Stmt *P = PI.parent(Child);
    while (P && isa<Expr>(P) && strip(cast<Expr>(P)) == Spawn) {
      Child = P;
      P = PI.parent(P);
    }
    // A member call on the temporary (`kara::spawn(f).join()`).
    if (P && !isa<CompoundStmt>(P) && !isa<DeclStmt>(P)) {
      if (const auto *ME = dyn_cast<MemberExpr>(P)) {
        (void)ME;
        Discarded = true;
      } else
        Escapes = true;
    } else if (P && isa<DeclStmt>(P)) {
      for (const Decl *D : cast<DeclStmt>(P)->decls())
        if (const auto *V = dyn_cast<VarDecl>(D))
          if (V->getInit() && strip(V->getInit()) == Spawn)
            Handle = V;
      if (!Handle || Handle->getType()->isReferenceType())
        Escapes = true;
    } else if (P && isa<CompoundStmt>(P)) {
      Discarded = true;
    }
  }
  if (Discarded && JoinOnBlockEnd) {
    W.EndIndex = 0;
    W.Joined = true;
    // Joined at the end of its own statement: still find the start index.
  }
  const Stmt *Child = Spawn;
  bool Stop = W.Joined;
  while (Child != Root) {
    const Stmt *P = PI.parent(Child);
    if (!P)
      break;
    if (const auto *LE = dyn_cast<LambdaExpr>(P)) {
      if (StopAt.count(LE)) {
        W.StoppedAt = LE;
        return W;
      }
    }
    if (const auto *CS = dyn_cast<CompoundStmt>(P)) {
      unsigned Index = 0;
      bool After = false;
      for (const Stmt *S : CS->body()) {
        if (S == Child) {
          After = true;
          if (P == Root)
            W.StartIndex = Index;
          ++Index;
          continue;
        }
        ++Index;
        if (!After || Stop)
          continue;
        if (const CXXMemberCallExpr *J =
                Handle ? findJoin(S, Handle) : nullptr) {
          if (!isPlainJoin(S, J)) {
            W.Code.push_back(S);
          }
          W.Joined = true;
          W.JoinLoc = J->getExprLoc();
          Stop = true;
          if (P == Root)
            W.EndIndex = Index - 1;
          continue;
        }
        W.Code.push_back(S);
      }
      bool DeclaresHandle = false;
      if (Handle)
        if (const auto *DS = dyn_cast<DeclStmt>(Child))
          for (const Decl *D : DS->decls())
            DeclaresHandle |= D == Handle;
      if (DeclaresHandle && JoinOnBlockEnd && !Escapes) {
        // The handle's destructor joins at the end of this block.
        if (!Stop && P == Root)
          W.EndIndex = std::numeric_limits<unsigned>::max();
        Stop = true;
        W.Joined = true;
      }
      if (Stop && P == Root && W.EndIndex == 0 && Discarded)
        W.EndIndex = W.StartIndex;
    } else if (isLoop(P) && !Stop) {
      W.Repeated = true;
      W.Code.push_back(P);
    }
    Child = P;
  }
  if (Discarded && JoinOnBlockEnd)
    W.EndIndex = W.StartIndex;
  if (Stop && W.EndIndex == std::numeric_limits<unsigned>::max() && W.Joined &&
      !JoinOnBlockEnd)
    W.EndIndex = W.StartIndex; // joined inside the statement that spawns
  return W;
}

std::string ordinal(unsigned N) { return std::to_string(N); }

const FunctionDecl *enclosingFunction(const Stmt *S, ASTContext &Ctx) {
  DynTypedNodeList Parents = Ctx.getParents(*S);
  for (unsigned Guard = 0; Guard < 4096 && !Parents.empty(); ++Guard) {
    const DynTypedNode &N = Parents[0];
    if (const auto *LE = N.get<LambdaExpr>())
      return callOperatorOf(LE) ? callOperatorOf(LE) : LE->getCallOperator();
    if (const auto *FD = N.get<FunctionDecl>())
      return FD;
    if (N.get<Decl>() && !N.get<VarDecl>() && !N.get<DecompositionDecl>())
      return nullptr;
    Parents = Ctx.getParents(N);
  }
  return nullptr;
}

} // namespace

bool isConcurrencyEntryPoint(const CallExpr *Call) {
  const EntryInfo *E = classify(Call);
  return E && E->has(runtime::OpensSite);
}

std::string concurrencyEntryPointName(const CallExpr *Call) {
  if (!isConcurrencyEntryPoint(Call))
    return "";
  return classify(Call)->Display.str();
}

bool isSerialisedAccess(const Reason &Why, EffectAnalysis &A) {
  const Reason *R = &Why;
  for (unsigned Depth = 0; R && Depth < 32; ++Depth) {
    if (R->ReasonKind == Reason::Kind::Access) {
      const EntryInfo *E = runtime::classifyCallee(R->Callee);
      return E && E->has(runtime::Serialised);
    }
    if (R->ReasonKind != Reason::Kind::Call || !R->Callee || !R->CalleeEffect)
      return false;
    R = A.summaryOf(R->Callee).reasonFor(*R->CalleeEffect);
  }
  return false;
}

const LambdaExpr *lambdaOf(const Expr *E) {
  for (unsigned I = 0; E && I < 8; ++I) {
    E = throughStdWrappers(E);
    if (const auto *LE = dyn_cast<LambdaExpr>(E))
      return LE;
    const VarDecl *V = refersToVar(E);
    if (!V || !V->hasLocalStorage() || !V->getInit())
      return nullptr;
    E = V->getInit();
  }
  return nullptr;
}

const FunctionDecl *functionOf(const Expr *E) {
  E = throughStdWrappers(E);
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      E = strip(UO->getSubExpr());
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
      return FD;
  return nullptr;
}

/// A side that runs `Callable` (a lambda, a named function or something
/// unknown) in `Context`.
static ConcurrentSide callableSide(ConcurrentSide::Kind Kind,
                                   const Expr *Callable,
                                   const FunctionDecl *Context) {
  ConcurrentSide S;
  S.SideKind = Kind;
  S.Callable = Callable;
  S.Lambda = lambdaOf(Callable);
  S.Function = S.Lambda ? nullptr : functionOf(Callable);
  S.Context = Context;
  return S;
}

std::optional<SpawnSite> spawnSiteFor(const CallExpr *Call,
                                      const FunctionDecl *Context,
                                      ASTContext &Ctx) {
  if (!Call || !Context || !isConcurrencyEntryPoint(Call) ||
      Context->isDependentContext())
    return std::nullopt;
  const EntryInfo *Entry = classify(Call);
  EntryKind K = Entry->Kind;
  SpawnSite Site;
  Site.Call = Call;
  Site.Entry = Entry;
  Site.What = concurrencyEntryPointName(Call);
  auto Line = [&](SourceLocation L) { return lineOf(L, Ctx); };

  if (K == EntryKind::ParLike) {
    for (unsigned I = 0; I < Call->getNumArgs(); ++I) {
      ConcurrentSide S =
          callableSide(ConcurrentSide::ParBranch, Call->getArg(I), Context);
      S.Loc = S.Callable->getBeginLoc();
      S.ShortName = "branch " + ordinal(I + 1);
      S.Description = S.ShortName + " of " + Site.What;
      Site.Sides.push_back(std::move(S));
    }
    for (unsigned I = 0; I < Site.Sides.size(); ++I)
      for (unsigned J = I + 1; J < Site.Sides.size(); ++J)
        Site.ConcurrentPairs.push_back({I, J});
    return Site;
  }

  if (K == EntryKind::Map) {
    if (Call->getNumArgs() < 1)
      return std::nullopt;
    ConcurrentSide S =
        callableSide(ConcurrentSide::MapCallable, Call->getArg(0), Context);
    S.Repeated = true;
    S.Loc = S.Callable->getBeginLoc();
    S.ShortName = "the callable";
    S.Description = "the callable of " + Site.What;
    Site.Sides.push_back(std::move(S));
    Site.ConcurrentPairs.push_back({0, 0});
    return Site;
  }

  const Stmt *RootBody = Context->getBody();
  if (!RootBody)
    return std::nullopt;
  ParentIndex PI(RootBody);

  if (K == EntryKind::Spawn) {
    if (Call->getNumArgs() < 1)
      return std::nullopt;
    ConcurrentSide T =
        callableSide(ConcurrentSide::SpawnTask, Call->getArg(0), Context);
    T.SpawnCall = Call;
    T.SeparateSpawns = {Call};
    T.Loc = Call->getBeginLoc();
    T.ShortName = "the task spawned at line " + std::to_string(Line(T.Loc));
    T.Description = T.ShortName;
    llvm::SmallPtrSet<const LambdaExpr *, 1> None;
    Window W = walkUp(Call, RootBody, PI, /*JoinOnBlockEnd=*/true, None);
    T.Repeated = W.Repeated;
    Site.Sides.push_back(T);
    if (T.Repeated)
      Site.ConcurrentPairs.push_back({0, 0});
    if (!W.Code.empty()) {
      ConcurrentSide P;
      P.SideKind = ConcurrentSide::Parent;
      P.ParentCode = W.Code;
      for (const Stmt *S : W.Code)
        P.ParentContexts.push_back(contextOf(S, PI, Context));
      P.Context = Context;
      P.SeparateSpawns = {Call};
      P.Loc = W.Code.front()->getBeginLoc();
      P.ShortName = "the parent";
      P.Description =
          "the parent code after the spawn at line " +
          std::to_string(Line(T.Loc)) +
          (W.Joined && W.JoinLoc.isValid()
               ? " until the join at line " + std::to_string(Line(W.JoinLoc))
               : std::string(" until the handle is destroyed"));
      Site.Sides.push_back(std::move(P));
      Site.ConcurrentPairs.push_back({0, 1});
    }
    return Site;
  }

  // kara::scope([&](kara::nursery &n) { ... })
  if (Call->getNumArgs() < 1)
    return std::nullopt;
  const LambdaExpr *BodyLambda = lambdaOf(Call->getArg(0));
  const CXXMethodDecl *BodyOp =
      BodyLambda ? callOperatorOf(BodyLambda) : nullptr;
  if (!BodyOp || !BodyOp->hasBody() || BodyOp->getNumParams() < 1)
    return std::nullopt;
  const ParmVarDecl *Nursery = BodyOp->getParamDecl(0);
  const Stmt *ScopeBody = BodyOp->getBody();
  // The body lambda may be a variable initialised elsewhere in Context;
  // index its body on its own.
  ParentIndex SPI(ScopeBody);

  // Every spawn on this nursery, in source order.
  std::vector<const CallExpr *> Spawns;
  {
    std::vector<const Stmt *> Stack{ScopeBody};
    while (!Stack.empty()) {
      const Stmt *S = Stack.back();
      Stack.pop_back();
      if (!S)
        continue;
      if (const auto *MCE = dyn_cast<CXXMemberCallExpr>(S))
        if (const EntryInfo *E = classify(MCE);
            E && E->Kind == EntryKind::NurserySpawn) {
          const VarDecl *On = refersToVar(MCE->getImplicitObjectArgument());
          if (On && On->getCanonicalDecl() == Nursery->getCanonicalDecl())
            Spawns.push_back(MCE);
        }
      for (const Stmt *Child : S->children())
        Stack.push_back(Child);
    }
    std::sort(Spawns.begin(), Spawns.end(),
              [&](const CallExpr *L, const CallExpr *R) {
                return Ctx.getSourceManager().isBeforeInTranslationUnit(
                    L->getBeginLoc(), R->getBeginLoc());
              });
  }
  if (Spawns.empty())
    return Site;

  llvm::SmallPtrSet<const LambdaExpr *, 8> TaskLambdas;
  std::map<const CallExpr *, const LambdaExpr *> LambdaOfSpawn;
  for (const CallExpr *S : Spawns)
    if (S->getNumArgs() >= 1)
      if (const LambdaExpr *LE = lambdaOf(S->getArg(0))) {
        TaskLambdas.insert(LE);
        LambdaOfSpawn[S] = LE;
      }

  struct TaskInfo {
    unsigned Side;
    unsigned Start, End;
    bool Repeated;
    const LambdaExpr *Lambda;
    int Owner; // index into Tasks of the task that spawned it, or -1
    std::vector<const Stmt *> Window; // scope-level window, no joins
  };
  std::vector<TaskInfo> Tasks;
  std::map<const LambdaExpr *, unsigned> TaskOfLambda;

  std::vector<const CallExpr *> Separate(Spawns.begin(), Spawns.end());
  for (const CallExpr *SpawnCall : Spawns) {
    ConcurrentSide T =
        callableSide(ConcurrentSide::ScopeTask, SpawnCall->getArg(0), Context);
    T.SpawnCall = SpawnCall;
    T.SeparateSpawns = Separate;
    T.Loc = SpawnCall->getBeginLoc();
    T.ShortName = "the task spawned at line " + std::to_string(Line(T.Loc));
    T.Description = T.ShortName;

    Window W = walkUp(SpawnCall, ScopeBody, SPI, /*JoinOnBlockEnd=*/false,
                      TaskLambdas);
    TaskInfo Info{0, W.StartIndex, W.EndIndex, W.Repeated, T.Lambda, -1, {}};
    std::vector<const Stmt *> ParentCode = W.Code;
    std::string Until =
        W.Joined && W.JoinLoc.isValid()
            ? " until the join at line " + std::to_string(Line(W.JoinLoc))
            : std::string(" until the end of the scope");
    if (W.StoppedAt) {
      // Spawned from a task: runs with the rest of that task, and with
      // the scope code that runs while that task's children may run.
      auto It = TaskOfLambda.find(W.StoppedAt);
      if (It != TaskOfLambda.end()) {
        const TaskInfo &Owner = Tasks[It->second];
        Info.Owner = static_cast<int>(It->second);
        Info.Start = Owner.Start;
        Info.End = std::numeric_limits<unsigned>::max();
        Info.Repeated |= Owner.Repeated;
        ParentCode.insert(ParentCode.end(), Owner.Window.begin(),
                          Owner.Window.end());
        Info.Window = Owner.Window;
        Until = " until the end of the scope";
      }
    } else {
      // The scope-level window without joins: where this task's own
      // children may run.
      llvm::SmallPtrSet<const LambdaExpr *, 1> None;
      Window NoJoin = walkUp(SpawnCall, ScopeBody, SPI, false, None);
      Info.Window = NoJoin.Code;
      if (!W.Joined) {
        Info.Window = W.Code;
      } else {
        // Recompute the window as if never joined.
        Info.Window.clear();
        const Stmt *Child = SpawnCall;
        for (const Stmt *P = SPI.parent(Child); P && Child != ScopeBody;
             Child = P, P = SPI.parent(P)) {
          if (const auto *CS = dyn_cast<CompoundStmt>(P)) {
            bool After = false;
            for (const Stmt *S : CS->body()) {
              if (After)
                Info.Window.push_back(S);
              After |= S == Child;
            }
          } else if (isLoop(P)) {
            Info.Window.push_back(P);
          }
        }
      }
    }
    T.Repeated = Info.Repeated;
    Info.Side = Site.Sides.size();
    Site.Sides.push_back(std::move(T));
    if (Info.Repeated)
      Site.ConcurrentPairs.push_back({Info.Side, Info.Side});
    if (!ParentCode.empty()) {
      ConcurrentSide P;
      P.SideKind = ConcurrentSide::Parent;
      P.ParentCode = ParentCode;
      for (const Stmt *S : ParentCode)
        P.ParentContexts.push_back(contextOf(S, SPI, BodyOp));
      P.Context = Context;
      P.SeparateSpawns = Separate;
      P.Loc = ParentCode.front()->getBeginLoc();
      P.ShortName = "the parent";
      P.Description =
          (Info.Owner >= 0
               ? std::string("the code of the spawning task and "
                             "the scope after the spawn at line ")
               : std::string("the scope's code after the spawn at line ")) +
          std::to_string(Line(SpawnCall->getBeginLoc())) + Until;
      unsigned PIdx = Site.Sides.size();
      Site.Sides.push_back(std::move(P));
      Site.ConcurrentPairs.push_back({Info.Side, PIdx});
    }
    if (Info.Lambda)
      TaskOfLambda[Info.Lambda] = Tasks.size();
    Tasks.push_back(std::move(Info));
  }
  // Tasks with each other: when their lifetimes overlap. A task and one it
  // spawned: the child runs beside the rest of its parent, which is in the
  // child's parent-code side already.
  for (unsigned I = 0; I < Tasks.size(); ++I)
    for (unsigned J = I + 1; J < Tasks.size(); ++J) {
      const TaskInfo &A = Tasks[I], &B = Tasks[J];
      if (B.Owner == static_cast<int>(I) || A.Owner == static_cast<int>(J))
        continue;
      if (A.Start <= B.End && B.Start <= A.End)
        Site.ConcurrentPairs.push_back({A.Side, B.Side});
    }
  return Site;
}

std::vector<SpawnSite> findSpawnSites(const FunctionDecl *Fn, ASTContext &Ctx) {
  std::vector<SpawnSite> Sites;
  if (!Fn || !Fn->getBody())
    return Sites;
  std::vector<const Stmt *> Stack{Fn->getBody()};
  while (!Stack.empty()) {
    const Stmt *S = Stack.back();
    Stack.pop_back();
    if (!S)
      continue;
    if (const auto *CE = dyn_cast<CallExpr>(S))
      if (isConcurrencyEntryPoint(CE)) {
        const FunctionDecl *Context = enclosingFunction(CE, Ctx);
        if (!Context)
          Context = Fn;
        if (std::optional<SpawnSite> Site = spawnSiteFor(CE, Context, Ctx))
          Sites.push_back(std::move(*Site));
      }
    for (const Stmt *Child : S->children())
      Stack.push_back(Child);
  }
  std::sort(Sites.begin(), Sites.end(),
            [&](const SpawnSite &L, const SpawnSite &R) {
              return Ctx.getSourceManager().isBeforeInTranslationUnit(
                  L.Call->getBeginLoc(), R.Call->getBeginLoc());
            });
  return Sites;
}

std::vector<EffectEntry> sideEffects(const ConcurrentSide &Side,
                                     EffectAnalysis &A,
                                     const FunctionDecl *Context) {
  std::vector<EffectEntry> Out;
  RuntimeAwareEffects R(A, Side.SeparateSpawns);
  R.ParBranchSide = Side.SideKind == ConcurrentSide::ParBranch;
  if (Side.SideKind != ConcurrentSide::Parent) {
    R.callable(Side.Callable, Out);
    return Out;
  }
  const FunctionDecl *SiteFn =
      canonicalFn(Side.Context ? Side.Context : Context);
  for (std::size_t I = 0; I < Side.ParentCode.size(); ++I) {
    const FunctionDecl *Ctx =
        I < Side.ParentContexts.size() && Side.ParentContexts[I]
            ? Side.ParentContexts[I]
            : (Side.Context ? Side.Context : Context);
    std::vector<EffectEntry> Entries;
    R.statement(Side.ParentCode[I], Ctx, Entries);
    ClosureRules Rules = rulesFor(Ctx);
    for (EffectEntry &E : Entries) {
      if (!Rules.IsLambda) {
        E.E.On = paramAsLocal(E.E.On, Ctx);
        Out.push_back(E);
        continue;
      }
      if (keepOutside(E.E.On, Rules, /*KeepOwnLocals=*/true))
        Out.push_back(E);
    }
    (void)SiteFn;
  }
  return Out;
}

FunctionSummary sideSummary(const ConcurrentSide &Side, EffectAnalysis &A,
                            const FunctionDecl *Context) {
  FunctionSummary S;
  S.Source = SummarySource::Inferred;
  std::vector<EffectEntry> Entries = sideEffects(Side, A, Context);
  for (const EffectEntry &E : Entries)
    S.Effects.add(E.E);
  for (const Effect &E : S.Effects)
    for (const EffectEntry &Entry : Entries)
      if (Entry.E == E) {
        S.Entries.push_back(Entry);
        break;
      }
  return S;
}

} // namespace kara
