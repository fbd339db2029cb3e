//===- Sendability.cpp - Which types may cross a spawn boundary -----------===//

#include "kara/Analysis/Sendability.h"

#include "kara/Analysis/Annotations.h"
#include "kara/Analysis/Concurrency.h"
#include "kara/Analysis/EffectAnalysis.h"
#include "kara/Analysis/RuntimeApi.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/TemplateBase.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace kara {

std::string NotSendable::str() const {
  if (Where.empty())
    return What;
  return What + " in " + Where;
}

std::string recordName(const NamedDecl *D) {
  return EffectAnalysis::databaseName(D);
}

/// Drops the sugar of `auto`, decltype, template parameters and member
/// typedefs such as `std::remove_reference<T>::type`, keeping what the user
/// would write (`std::string`, `std::vector<int>`).
static QualType printable(QualType T, const ASTContext &Ctx) {
  for (unsigned I = 0; I < 16; ++I) {
    const Type *Ty = T.getTypePtr();
    if (const auto *E = dyn_cast<ElaboratedType>(Ty)) {
      const Type *Named = E->getNamedType().getTypePtr();
      if (const auto *TT = dyn_cast<TypedefType>(Named))
        if (!isa<RecordDecl>(TT->getDecl()->getDeclContext()))
          return T;
      if (!isa<TypedefType, AutoType, DecltypeType, SubstTemplateTypeParmType>(
              Named))
        return T;
      T = QualType(Named, T.getLocalFastQualifiers());
      continue;
    }
    if (const auto *TT = dyn_cast<TypedefType>(Ty)) {
      if (!isa<RecordDecl>(TT->getDecl()->getDeclContext()))
        return T;
    } else if (!isa<AutoType, DecltypeType, SubstTemplateTypeParmType,
                    TypeOfExprType, ParenType>(Ty)) {
      return T;
    }
    T = T.getSingleStepDesugaredType(Ctx);
  }
  return T;
}

static std::string spell(QualType T, const ASTContext &Ctx) {
  T = printable(T, Ctx);
  PrintingPolicy P(Ctx.getLangOpts());
  P.SuppressTagKeyword = true;
  return "'" + T.getAsString(P) + "'";
}

static const ClassTemplateSpecializationDecl *specialization(QualType T) {
  return dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T->getAsCXXRecordDecl());
}

static std::string templateName(const ClassTemplateSpecializationDecl *S) {
  return recordName(S->getSpecializedTemplate());
}

bool isKaraUnique(QualType T) {
  if (T.isNull())
    return false;
  T = T.getNonReferenceType().getCanonicalType();
  if (const auto *S = specialization(T))
    return templateName(S) == "kara::unique";
  return false;
}

/// true/false if `RD` (a specialisation of kara::enable_sendable, or one of
/// its bases) says so through std::integral_constant<bool, V> or a constant
/// `value`; nullopt if it cannot tell.
static std::optional<bool> constantValue(const CXXRecordDecl *RD,
                                         const ASTContext &Ctx,
                                         unsigned Depth = 0) {
  if (!RD || Depth > 8)
    return std::nullopt;
  if (const auto *S = dyn_cast<ClassTemplateSpecializationDecl>(RD)) {
    if (templateName(S) == "std::integral_constant" &&
        S->getTemplateArgs().size() == 2 &&
        S->getTemplateArgs()[1].getKind() == TemplateArgument::Integral)
      return S->getTemplateArgs()[1].getAsIntegral().getBoolValue();
  }
  for (const NamedDecl *ND : RD->lookup(&Ctx.Idents.get("value")))
    if (const auto *VD = dyn_cast<VarDecl>(ND))
      if (const Expr *Init = VD->getInit()) {
        bool Value = false;
        if (!Init->isValueDependent() &&
            Init->EvaluateAsBooleanCondition(Value, Ctx))
          return Value;
      }
  if (RD->hasDefinition())
    for (const CXXBaseSpecifier &B : RD->bases())
      if (std::optional<bool> V =
              constantValue(B.getType()->getAsCXXRecordDecl(), Ctx, Depth + 1))
        return V;
  return std::nullopt;
}

static bool hasEnableSendable(const CXXRecordDecl *RD, const ASTContext &Ctx) {
  auto &C = const_cast<ASTContext &>(Ctx);
  const TranslationUnitDecl *TU = Ctx.getTranslationUnitDecl();
  for (const NamedDecl *NS : TU->lookup(&C.Idents.get("kara"))) {
    const auto *Kara = dyn_cast<NamespaceDecl>(NS);
    if (!Kara)
      continue;
    for (const NamedDecl *ND : Kara->lookup(&C.Idents.get("enable_sendable"))) {
      const auto *CTD = dyn_cast<ClassTemplateDecl>(ND);
      if (!CTD)
        continue;
      QualType Arg = C.getCanonicalType(C.getRecordType(RD));
      TemplateArgument Args[] = {TemplateArgument(Arg)};
      void *InsertPos = nullptr;
      auto *Spec = const_cast<ClassTemplateDecl *>(CTD)->findSpecialization(
          Args, InsertPos);
      if (!Spec || !Spec->isExplicitSpecialization() || !Spec->hasDefinition())
        continue;
      // An explicit specialisation is written to opt in; believe it unless
      // it says false.
      return constantValue(Spec->getDefinition(), Ctx).value_or(true);
    }
  }
  return false;
}

static bool hasMemberAlias(const CXXRecordDecl *RD, const ASTContext &Ctx,
                           unsigned Depth = 0) {
  if (!RD || !RD->hasDefinition() || Depth > 16)
    return false;
  RD = RD->getDefinition();
  auto &C = const_cast<ASTContext &>(Ctx);
  for (const NamedDecl *ND : RD->lookup(&C.Idents.get("kara_sendable")))
    if (isa<TypedefNameDecl>(ND))
      return true;
  for (const CXXBaseSpecifier &B : RD->bases())
    if (hasMemberAlias(B.getType()->getAsCXXRecordDecl(), Ctx, Depth + 1))
      return true;
  return false;
}

SendableOptIn sendableOptIn(const CXXRecordDecl *RD, const ASTContext &Ctx) {
  if (!RD)
    return SendableOptIn::None;
  if (isMarkedSendable(RD))
    return SendableOptIn::Attribute;
  // A specialisation of a class template marked [[kara::sendable]].
  if (const auto *S = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    if (const ClassTemplateDecl *T = S->getSpecializedTemplate())
      if (isMarkedSendable(T->getTemplatedDecl()))
        return SendableOptIn::Attribute;
  if (hasMemberAlias(RD, Ctx))
    return SendableOptIn::MemberAlias;
  if (hasEnableSendable(RD, Ctx))
    return SendableOptIn::EnableSendable;
  return SendableOptIn::None;
}

namespace {

enum class SendableRule { Always, First, FirstTwo, Every, ConstPointee };

/// How SendableTypes.def judges the library template `Name`, if it is
/// listed.
std::optional<SendableRule> ruleFor(llvm::StringRef Name) {
#define KARA_SENDABLE_TEMPLATE(QualifiedName, Rule, Sendable, NotSendable)     \
  if (Name == QualifiedName)                                                   \
    return SendableRule::Rule;
#include "kara/Analysis/SendableTypes.def"
  return std::nullopt;
}

bool isListedClass(llvm::StringRef Name) {
#define KARA_SENDABLE_CLASS(QualifiedName)                                     \
  if (Name == QualifiedName)                                                   \
    return true;
#include "kara/Analysis/SendableTypes.def"
  return false;
}

class Judge {
public:
  Judge(const ASTContext &Ctx, SendabilityOptions Opts)
      : Ctx(Ctx), Opts(Opts) {}

  std::optional<NotSendable> type(QualType T) {
    if (T.isNull() || T->isDependentType())
      return std::nullopt;
    if (T->isReferenceType())
      return NotSendable{"reference " + spell(T, Ctx), "", nullptr};
    QualType C = T.getCanonicalType();
    const Type *Ty = C.getTypePtr();
    if (Ty->isArithmeticType() || Ty->isEnumeralType() || Ty->isNullPtrType() ||
        Ty->isVoidType())
      return std::nullopt;
    if (const auto *PT = dyn_cast<PointerType>(Ty)) {
      QualType Pointee = PT->getPointeeType();
      if (Pointee->isFunctionType())
        return std::nullopt;
      if (Opts.AllowPointerToConst && Pointee.isConstQualified() &&
          !type(Pointee.getUnqualifiedType()))
        return std::nullopt;
      return NotSendable{"raw pointer " + spell(T, Ctx), "", nullptr};
    }
    if (isa<MemberPointerType>(Ty))
      return std::nullopt; // an offset, not data
    if (const auto *AT = dyn_cast<ArrayType>(Ty))
      return type(AT->getElementType());
    if (isa<BlockPointerType>(Ty))
      return NotSendable{"block pointer " + spell(T, Ctx), "", nullptr};
    const CXXRecordDecl *RD = Ty->getAsCXXRecordDecl();
    if (!RD)
      return std::nullopt;
    return record(T, RD);
  }

private:
  std::optional<NotSendable> args(const ClassTemplateSpecializationDecl *S,
                                  unsigned Count) {
    const TemplateArgumentList &L = S->getTemplateArgs();
    for (unsigned I = 0; I < L.size() && I < Count; ++I)
      if (auto Why = argument(L[I]))
        return Why;
    return std::nullopt;
  }
  std::optional<NotSendable> argument(const TemplateArgument &A) {
    if (A.getKind() == TemplateArgument::Type)
      return type(A.getAsType());
    if (A.getKind() == TemplateArgument::Pack)
      for (const TemplateArgument &P : A.pack_elements())
        if (auto Why = argument(P))
          return Why;
    return std::nullopt;
  }

  std::optional<NotSendable> record(QualType T, const CXXRecordDecl *RD) {
    if (const auto *S = dyn_cast<ClassTemplateSpecializationDecl>(RD)) {
      std::string Name = templateName(S);
      if (std::optional<SendableRule> Rule = ruleFor(Name)) {
        switch (*Rule) {
        case SendableRule::Always:
          return std::nullopt;
        case SendableRule::First:
          return args(S, 1);
        case SendableRule::FirstTwo:
          return args(S, 2);
        case SendableRule::Every:
          return args(S, ~0U);
        case SendableRule::ConstPointee:
          break; // below, with its own wording
        }
      }
      if (Name == "std::shared_ptr" || Name == "std::weak_ptr") {
        const TemplateArgumentList &L = S->getTemplateArgs();
        if (L.size() >= 1 && L[0].getKind() == TemplateArgument::Type) {
          QualType Pointee = L[0].getAsType();
          if (Pointee.isConstQualified() && !type(Pointee.getUnqualifiedType()))
            return std::nullopt;
          if (Pointee.isConstQualified())
            return NotSendable{"std::" + Name.substr(5) +
                                   " to data that is not sendable " +
                                   spell(T, Ctx),
                               "", nullptr};
        }
        return NotSendable{"std::" + Name.substr(5) + " to mutable data " +
                               spell(T, Ctx),
                           "", nullptr};
      }
      if (Name == "std::unique_ptr")
        return NotSendable{"std::unique_ptr " + spell(T, Ctx) +
                               " (use kara::unique)",
                           "", nullptr};
      if (Name == "std::basic_string_view" || Name == "std::span")
        return NotSendable{"view " + spell(T, Ctx), "", nullptr};
      if (Name == "std::reference_wrapper")
        return NotSendable{"reference " + spell(T, Ctx), "", nullptr};
      if (Name == "std::function" || Name == "std::move_only_function" ||
          Name == "std::copyable_function")
        return NotSendable{"type-erased callable " + spell(T, Ctx) +
                               " (what it wraps may hold references)",
                           "", nullptr};
    }
    if (runtime::isThreadSafeType(T))
      return std::nullopt;
    SendableOptIn OptIn = sendableOptIn(RD, Ctx);
    // [[kara::sendable]] on a class template is checked at the template,
    // where dependent fields are skipped: judge a specialisation's fields.
    bool TrustOptIn =
        OptIn != SendableOptIn::None &&
        !(OptIn == SendableOptIn::Attribute &&
          isa<ClassTemplateSpecializationDecl>(RD) && !isMarkedSendable(RD));
    if (TrustOptIn)
      return std::nullopt;
    // Other standard library types: their internals are not the user's
    // business (and hold pointers). As in the runtime, only the listed ones
    // (SendableTypes.def) are sendable.
    if (RD->isInStdNamespace()) {
      if (isListedClass(recordName(RD)))
        return std::nullopt;
      return NotSendable{"standard library type " + spell(T, Ctx) +
                             " that kara does not know to be sendable (opt it "
                             "in with kara::enable_sendable)",
                         "", nullptr};
    }
    if (!RD->hasDefinition())
      return std::nullopt; // incomplete: nothing to judge
    RD = RD->getDefinition();
    if (!Visiting.insert(RD).second)
      return std::nullopt; // recursive type: judged by its other members
    std::optional<NotSendable> Why = members(RD);
    Visiting.erase(RD);
    return Why;
  }

  std::optional<NotSendable> members(const CXXRecordDecl *RD) {
    if (RD->isLambda()) {
      for (const LambdaCapture &C : RD->captures()) {
        if (C.capturesThis()) {
          if (C.getCaptureKind() == LCK_StarThis)
            continue;
          return NotSendable{"pointer 'this'", "a lambda capture", RD};
        }
        if (!C.capturesVariable())
          continue;
        const ValueDecl *V = C.getCapturedVar();
        std::string Where =
            "the lambda's capture of '" + V->getNameAsString() + "'";
        if (C.getCaptureKind() == LCK_ByRef) {
          if (runtime::isThreadSafeType(V->getType()))
            continue;
          return NotSendable{"reference to " +
                                 spell(V->getType().getNonReferenceType(), Ctx),
                             Where, RD};
        }
        if (auto Why = type(V->getType().getNonReferenceType()))
          return nest(*Why, Where, RD);
      }
      return std::nullopt;
    }
    for (const CXXBaseSpecifier &B : RD->bases())
      if (auto Why = type(B.getType()))
        return nest(*Why, "base " + spell(B.getType(), Ctx), RD);
    for (const FieldDecl *F : RD->fields()) {
      if (auto Why = type(F->getType()))
        return nest(*Why, "field '" + F->getNameAsString() + "'", RD);
    }
    return std::nullopt;
  }

  static NotSendable nest(NotSendable Inner, std::string Where,
                          const CXXRecordDecl *Holder) {
    if (!Inner.Where.empty()) {
      // field 'a' + field 'next' -> field 'a.next'
      llvm::StringRef In(Inner.Where), Out(Where);
      if (In.starts_with("field '") && Out.starts_with("field '"))
        Where = Out.drop_back().str() + "." + In.drop_front(7).str();
      else
        Where = Where + ", " + Inner.Where;
    }
    Inner.Where = std::move(Where);
    Inner.Holder = Holder;
    return Inner;
  }

  const ASTContext &Ctx;
  SendabilityOptions Opts;
  llvm::SmallPtrSet<const CXXRecordDecl *, 8> Visiting;
};

} // namespace

std::optional<NotSendable> whyNotSendable(QualType T, const ASTContext &Ctx,
                                          SendabilityOptions Opts) {
  return Judge(Ctx, Opts).type(T);
}

//===----------------------------------------------------------------------===//
// Spawn boundaries and kara::unique moves (kara-sendable rules 2 and 3)
//===----------------------------------------------------------------------===//

const Expr *skipWrappers(const Expr *E) {
  while (E) {
    const Expr *Next = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *C = dyn_cast<CXXConstructExpr>(Next))
      if (C->getNumArgs() == 1 && !isa<CXXTemporaryObjectExpr>(C))
        Next = C->getArg(0);
    if (const auto *F = dyn_cast<CXXFunctionalCastExpr>(Next))
      Next = F->getSubExpr();
    if (Next == E)
      return E;
    E = Next;
  }
  return E;
}

bool isStdMoveLike(const CallExpr *C) {
  const FunctionDecl *FD = C->getDirectCallee();
  if (!FD || C->getNumArgs() != 1)
    return false;
  std::string N = recordName(FD);
  return N == "std::move" || N == "std::forward" || N == "std::ref" ||
         N == "std::cref";
}

/// `std::move(u)` (or a cast to `unique&&`) of a kara::unique local: the
/// reference to `u`.
const DeclRefExpr *movedUnique(const Expr *E) {
  E = skipWrappers(E);
  const Expr *Inner = nullptr;
  if (const auto *C = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *FD = C->getDirectCallee();
    if (FD && C->getNumArgs() == 1 &&
        (recordName(FD) == "std::move" || recordName(FD) == "std::forward"))
      Inner = C->getArg(0);
  } else if (const auto *SC = dyn_cast<CXXStaticCastExpr>(E)) {
    if (SC->getType()->isRValueReferenceType() || SC->isXValue())
      Inner = SC->getSubExpr();
  }
  if (!Inner)
    return nullptr;
  const auto *DRE = dyn_cast<DeclRefExpr>(Inner->IgnoreParenImpCasts());
  if (!DRE)
    return nullptr;
  const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
  if (!V || !isKaraUnique(V->getType()) || V->getType()->isReferenceType())
    return nullptr;
  return DRE;
}

std::vector<SpawnArgument> spawnArguments(const Stmt *Body, ASTContext &Ctx) {
  std::vector<SpawnArgument> Out;
  auto Matches =
      match(findAll(expr(anyOf(callExpr(), cxxConstructExpr())).bind("c")),
            *Body, Ctx);
  for (const BoundNodes &N : Matches) {
    const auto *Call = N.getNodeAs<Expr>("c");
    const runtime::EntryInfo *Entry = runtime::classifyExpr(Call);
    // kara::recover runs its callable right away: no spawn boundary.
    if (!Entry || !Entry->has(runtime::CrossesBoundary))
      continue;
    llvm::ArrayRef<const Expr *> Args;
    if (const auto *CE = dyn_cast<CallExpr>(Call))
      Args = llvm::ArrayRef(CE->getArgs(), CE->getNumArgs());
    else
      Args = llvm::ArrayRef(cast<CXXConstructExpr>(Call)->getArgs(),
                            cast<CXXConstructExpr>(Call)->getNumArgs());
    for (unsigned I = 0; I < Args.size(); ++I)
      Out.push_back({Call, Entry, Args[I],
                     Entry->isCallableArg(I) ? lambdaOf(Args[I]) : nullptr});
  }
  return Out;
}

std::vector<UseAfterSend> findUsesAfterSend(const FunctionDecl *FD,
                                            ASTContext &Ctx) {
  std::vector<UseAfterSend> Result;
  const Stmt *Body = FD->getBody();
  if (!Body)
    return Result;
  // Moves into tasks: std::move(u) as an argument of a spawn call, or as
  // the initializer of a capture of a task lambda.
  llvm::DenseMap<const DeclRefExpr *, const runtime::EntryInfo *> Moves;
  for (const SpawnArgument &U : spawnArguments(Body, Ctx)) {
    if (const DeclRefExpr *M = movedUnique(U.Arg))
      Moves.try_emplace(M, U.Entry);
    if (U.Lambda)
      for (const LambdaCapture &C : U.Lambda->captures())
        if (C.capturesVariable())
          if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar());
              V && V->isInitCapture() && V->getInit())
            if (const DeclRefExpr *M = movedUnique(V->getInit()))
              Moves.try_emplace(M, U.Entry);
  }
  llvm::DenseSet<const VarDecl *> Tracked;
  // A move inside a lambda of this body (a kara::scope body, a par branch)
  // of a variable of this function happens, for this function, when that
  // lambda runs; scope and par run it before they return, so the move is
  // placed at the lambda's creation.
  llvm::DenseMap<const Stmt *, llvm::SmallVector<const DeclRefExpr *, 2>>
      MovesAtLambda;
  for (const auto &Move : Moves) {
    const DeclRefExpr *M = Move.first;
    const auto *V = cast<VarDecl>(M->getDecl());
    Tracked.insert(V->getCanonicalDecl());
    if (V->getParentFunctionOrMethod() != FD)
      continue;
    const LambdaExpr *Outermost = nullptr;
    DynTypedNode Node = DynTypedNode::create(*M);
    for (unsigned Depth = 0; Depth < 64; ++Depth) {
      DynTypedNodeList Ps = Ctx.getParents(Node);
      if (Ps.empty())
        break;
      Node = Ps[0];
      if (const auto *LE = Node.get<LambdaExpr>())
        Outermost = LE;
      if (const auto *D = Node.get<Decl>())
        if (D == FD || isa<TranslationUnitDecl>(D))
          break;
    }
    if (Outermost)
      MovesAtLambda[Outermost].push_back(M);
  }
  if (Tracked.empty())
    return Result;

  // References that are not uses: the left side of an assignment (it gives
  // the variable a new value) and `u.has_value()`.
  llvm::DenseSet<const DeclRefExpr *> Reinits, Queries;
  {
    auto Refs = match(
        findAll(stmt(anyOf(
            cxxOperatorCallExpr(hasOverloadedOperatorName("="),
                                hasArgument(0, ignoringParenImpCasts(
                                                   declRefExpr().bind("lhs")))),
            cxxMemberCallExpr(
                callee(cxxMethodDecl(hasName("has_value"))),
                on(ignoringParenImpCasts(declRefExpr().bind("query"))))))),
        *Body, Ctx);
    for (const BoundNodes &N : Refs) {
      if (const auto *L = N.getNodeAs<DeclRefExpr>("lhs"))
        Reinits.insert(L);
      if (const auto *Q = N.getNodeAs<DeclRefExpr>("query"))
        Queries.insert(Q);
    }
  }

  CFG::BuildOptions Opts;
  Opts.setAllAlwaysAdd();
  std::unique_ptr<CFG> G =
      CFG::buildCFG(FD, const_cast<Stmt *>(Body), &Ctx, Opts);
  if (!G)
    return Result;

  using State = std::map<const VarDecl *, const DeclRefExpr *>;
  struct Finding {
    const DeclRefExpr *Use, *Move;
  };
  std::map<const VarDecl *, Finding> Findings;

  auto Transfer = [&](const CFGBlock *B, State S, bool Report) {
    for (const CFGElement &E : *B) {
      std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      if (const auto *DS = dyn_cast<DeclStmt>(St)) {
        for (const Decl *D : DS->decls())
          if (const auto *V = dyn_cast<VarDecl>(D))
            S.erase(V->getCanonicalDecl());
        continue;
      }
      if (isa<LambdaExpr>(St)) {
        auto It = MovesAtLambda.find(St);
        if (It != MovesAtLambda.end())
          for (const DeclRefExpr *M : It->second)
            S.emplace(cast<VarDecl>(M->getDecl())->getCanonicalDecl(), M);
        continue;
      }
      const auto *DRE = dyn_cast<DeclRefExpr>(St);
      if (!DRE)
        continue;
      const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
      if (!V || !Tracked.count(V->getCanonicalDecl()))
        continue;
      V = V->getCanonicalDecl();
      if (Reinits.count(DRE)) {
        S.erase(V);
        continue;
      }
      if (Queries.count(DRE))
        continue;
      auto It = S.find(V);
      if (It != S.end() && Report) {
        auto F = Findings.find(V);
        if (F == Findings.end() ||
            Ctx.getSourceManager().isBeforeInTranslationUnit(
                DRE->getLocation(), F->second.Use->getLocation()))
          Findings[V] = {DRE, It->second};
      }
      if (Moves.count(DRE))
        S[V] = DRE;
    }
    return S;
  };

  // Forward may-analysis to a fixpoint: which uniques may have been moved.
  std::vector<State> In(G->getNumBlockIDs());
  std::vector<bool> Seen(G->getNumBlockIDs(), false);
  std::vector<const CFGBlock *> Work{&G->getEntry()};
  Seen[G->getEntry().getBlockID()] = true;
  unsigned Steps = 0;
  while (!Work.empty() && ++Steps < 100000) {
    const CFGBlock *B = Work.back();
    Work.pop_back();
    State Out = Transfer(B, In[B->getBlockID()], false);
    for (const CFGBlock *Succ : B->succs()) {
      if (!Succ)
        continue;
      State &SI = In[Succ->getBlockID()];
      bool Changed = !Seen[Succ->getBlockID()];
      Seen[Succ->getBlockID()] = true;
      for (const auto &[V, M] : Out)
        if (SI.emplace(V, M).second)
          Changed = true;
      if (Changed)
        Work.push_back(Succ);
    }
  }
  for (const CFGBlock *B : *G)
    if (Seen[B->getBlockID()])
      Transfer(B, In[B->getBlockID()], true);

  const SourceManager &SM = Ctx.getSourceManager();
  for (const auto &[V, F] : Findings)
    Result.push_back(
        {V, F.Use, F.Move,
         F.Use == F.Move || SM.isBeforeInTranslationUnit(F.Use->getLocation(),
                                                         F.Move->getLocation()),
         Moves.lookup(F.Move)});
  return Result;
}

//===----------------------------------------------------------------------===//
// Races through captured locals and aliases (kara-sendable rule 5)
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
  static const llvm::StringSet<> Names = {"at",    "data", "begin",  "end",
                                          "front", "back", "rbegin", "rend"};
  return isa<CXXMethodDecl>(Callee) && Names.contains(Callee->getName());
}
bool writes(const EffectEntry &E) {
  return E.E.isWrite() && !isElementAccess(E);
}

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
    return BO->isAssignmentOp() &&
           BO->getLHS()->IgnoreParens() == L->IgnoreParens();
  if (const auto *UO = dyn_cast<UnaryOperator>(P))
    return UO->isIncrementDecrementOp();
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P))
    if (Op->getNumArgs() >= 1 &&
        Op->getArg(0)->IgnoreParens() == L->IgnoreParens()) {
      if (Op->isAssignmentOp())
        return true;
      if (const auto *M =
              dyn_cast_or_null<CXXMethodDecl>(Op->getDirectCallee()))
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
bool onlyIndexes(const ConcurrentSide &Side, const VarDecl *V,
                 ASTContext &Ctx) {
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

std::vector<AliasRace> findAliasRaces(const SpawnSite &Site, ASTContext &Ctx) {
  std::vector<AliasRace> Races;
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
      const ThroughUse &UW = IWrites ? UI : UJ, &UO = IWrites ? UJ : UI;
      AliasRace R;
      R.Var = V;
      R.Writer = IWrites ? I : J;
      R.Other = IWrites ? J : I;
      R.Write = UW.Write;
      R.OtherUse = UO.Write ? UO.Write : UO.Use;
      R.OtherWrites = UO.Write != nullptr;
      R.Pointer = V->getType()->isPointerType();
      Races.push_back(R);
    }
  }
  return Races;
}

std::vector<CapturedLocalRace> findCapturedLocalRaces(const SpawnSite &Site,
                                                      EffectAnalysis &A,
                                                      const FunctionDecl *FD,
                                                      ASTContext &Ctx) {
  std::vector<CapturedLocalRace> Races;
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
        if (Y.E.On.TargetKind == Target::Kind::Local && Y.E.On.Object == V &&
            X.E.On.overlaps(Y.E.On) && (writes(X) || writes(Y)) &&
            // Messages to one actor never race with each other (SPEC §8).
            !(isSerialisedAccess(X.Why, A) && isSerialisedAccess(Y.Why, A))) {
          Vars.push_back(V);
          break;
        }
    }
    for (const VarDecl *V : Vars) {
      if (runtime::isThreadSafeType(V->getType()))
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
      // Where to report: the reader's by-reference capture if it has one,
      // otherwise the writer's.
      const LambdaCapture *Cap = captureOf(SO, V);
      bool CapturedByOther = true;
      if (!Cap || Cap->getCaptureKind() != LCK_ByRef) {
        Cap = captureOf(SW, V);
        CapturedByOther = false;
      }
      if (Cap && Cap->getCaptureKind() != LCK_ByRef)
        Cap = nullptr;
      CapturedLocalRace R;
      R.Var = V;
      R.Writer = W;
      R.Other = O;
      R.WriterAccess = *WAcc;
      R.OtherAccess = *OAcc;
      R.OtherWrites = writes(*OAcc);
      R.Capture = Cap;
      R.CapturedByOther = CapturedByOther;
      Races.push_back(R);
    }
  }
  return Races;
}

} // namespace kara
