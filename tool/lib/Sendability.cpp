//===- Sendability.cpp - Which types may cross a spawn boundary -----------===//

#include "kara/Analysis/Sendability.h"

#include "kara/Analysis/Annotations.h"
#include "kara/Analysis/EffectAnalysis.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/TemplateBase.h"
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

bool isThreadSafeType(QualType T) {
  if (T.isNull())
    return false;
  T = T.getNonReferenceType().getCanonicalType();
  while (const auto *AT = dyn_cast<ArrayType>(T.getTypePtr()))
    T = AT->getElementType().getCanonicalType();
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return false;
  static const llvm::StringSet<> Names = {
      "std::atomic",         "std::atomic_ref",
      "std::atomic_flag",    "std::mutex",
      "std::recursive_mutex", "std::timed_mutex",
      "std::recursive_timed_mutex", "std::shared_mutex",
      "std::shared_timed_mutex", "std::condition_variable",
      "std::condition_variable_any", "std::latch",
      "std::barrier",        "std::counting_semaphore",
      "std::binary_semaphore", "std::stop_source",
      "std::stop_token",     "std::once_flag",
      "kara::nursery",       "kara::detail::cancel_state"};
  if (const auto *S = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    if (Names.contains(templateName(S)))
      return true;
  return Names.contains(recordName(RD));
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
      if (!Spec || !Spec->isExplicitSpecialization() ||
          !Spec->hasDefinition())
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
    if (Ty->isArithmeticType() || Ty->isEnumeralType() ||
        Ty->isNullPtrType() || Ty->isVoidType())
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
      static const llvm::StringSet<> OneArg = {
          "std::vector", "std::deque", "std::list", "std::forward_list",
          "std::array", "std::set", "std::multiset", "std::unordered_set",
          "std::unordered_multiset", "std::optional", "std::complex",
          "std::valarray", "std::queue", "std::stack",
          "std::priority_queue"};
      static const llvm::StringSet<> TwoArgs = {
          "std::map", "std::multimap", "std::unordered_map",
          "std::unordered_multimap", "std::pair"};
      static const llvm::StringSet<> AllArgs = {"std::tuple", "std::variant"};
      static const llvm::StringSet<> Always = {
          "std::basic_string", "std::bitset", "std::chrono::duration",
          "std::chrono::time_point", "kara::unique", "std::atomic",
          "std::integral_constant"};
      if (Always.contains(Name))
        return std::nullopt;
      if (OneArg.contains(Name))
        return args(S, 1);
      if (TwoArgs.contains(Name))
        return args(S, 2);
      if (AllArgs.contains(Name))
        return args(S, ~0U);
      if (Name == "std::shared_ptr" || Name == "std::weak_ptr") {
        const TemplateArgumentList &L = S->getTemplateArgs();
        if (L.size() >= 1 && L[0].getKind() == TemplateArgument::Type) {
          QualType Pointee = L[0].getAsType();
          if (Pointee.isConstQualified() &&
              !type(Pointee.getUnqualifiedType()))
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
    if (isThreadSafeType(T))
      return std::nullopt;
    SendableOptIn OptIn = sendableOptIn(RD, Ctx);
    // [[kara::sendable]] on a class template is checked at the template,
    // where dependent fields are skipped: judge a specialisation's fields.
    bool TrustOptIn = OptIn != SendableOptIn::None &&
                      !(OptIn == SendableOptIn::Attribute &&
                        isa<ClassTemplateSpecializationDecl>(RD) &&
                        !isMarkedSendable(RD));
    if (TrustOptIn)
      return std::nullopt;
    // Other standard library types: their internals are not the user's
    // business (and hold pointers); accept what is not listed above.
    if (RD->isInStdNamespace())
      return std::nullopt;
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
        std::string Where = "the lambda's capture of '" +
                            V->getNameAsString() + "'";
        if (C.getCaptureKind() == LCK_ByRef) {
          if (isThreadSafeType(V->getType()))
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

/// The runtime entry point `Call` calls, or empty.
std::string spawnEntryName(const CallExpr *Call) {
  const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
  if (!FD)
    return "";
  static const llvm::StringSet<> Names = {
      "kara::par",           "kara::par_forced",
      "kara::race",          "kara::spawn",
      "kara::spawn_blocking", "kara::nursery::spawn",
      "kara::nursery::spawn_blocking", "kara::map",
      "kara::map_limited",   "kara::recover"};
  std::string Name = recordName(FD);
  return Names.contains(Name) ? Name : "";
}

/// How many leading arguments of the entry point are callables run as tasks.
unsigned spawnCallableArgs(llvm::StringRef Entry, const CallExpr *Call) {
  if (Entry == "kara::par" || Entry == "kara::par_forced" ||
      Entry == "kara::race")
    return Call->getNumArgs();
  return Call->getNumArgs() ? 1 : 0;
}

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

/// The lambda an argument is: through casts, copies, std::move and a local
/// variable initialised with a lambda.
const LambdaExpr *taskLambdaOf(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 8; ++Depth) {
    E = skipWrappers(E);
    if (const auto *LE = dyn_cast<LambdaExpr>(E))
      return LE;
    if (const auto *C = dyn_cast<CallExpr>(E); C && isStdMoveLike(C)) {
      E = C->getArg(0);
      continue;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
      if (V && V->hasLocalStorage() && V->getInit()) {
        E = V->getInit();
        continue;
      }
    }
    return nullptr;
  }
  return nullptr;
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
  auto Matches = match(
      findAll(callExpr(callee(functionDecl(hasAnyName(
                           "::kara::par", "::kara::par_forced", "::kara::race",
                           "::kara::spawn", "::kara::spawn_blocking",
                           "::kara::nursery::spawn",
                           "::kara::nursery::spawn_blocking", "::kara::map",
                           "::kara::map_limited"))))
                  .bind("c")),
      *Body, Ctx);
  for (const BoundNodes &N : Matches) {
    const auto *Call = N.getNodeAs<CallExpr>("c");
    std::string Entry = spawnEntryName(Call);
    if (Entry.empty())
      continue;
    unsigned Callables = spawnCallableArgs(Entry, Call);
    for (unsigned I = 0; I < Call->getNumArgs(); ++I) {
      const Expr *Arg = Call->getArg(I);
      Out.push_back({Call, Entry, Arg, I < Callables ? taskLambdaOf(Arg) : nullptr});
    }
  }
  return Out;
}


std::vector<UseAfterSend> findUsesAfterSend(const FunctionDecl *FD, ASTContext &Ctx) {
  std::vector<UseAfterSend> Result;
  const Stmt *Body = FD->getBody();
  if (!Body)
    return Result;
  // Moves into tasks: std::move(u) as an argument of a spawn call, or as
  // the initializer of a capture of a task lambda.
  llvm::DenseSet<const DeclRefExpr *> Moves;
  for (const SpawnArgument &U : spawnArguments(Body, Ctx)) {
    if (const DeclRefExpr *M = movedUnique(U.Arg))
      Moves.insert(M);
    if (U.Lambda)
      for (const LambdaCapture &C : U.Lambda->captures())
        if (C.capturesVariable())
          if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar());
              V && V->isInitCapture() && V->getInit())
            if (const DeclRefExpr *M = movedUnique(V->getInit()))
              Moves.insert(M);
  }
  llvm::DenseSet<const VarDecl *> Tracked;
  // A move inside a lambda of this body (a kara::scope body, a par branch)
  // of a variable of this function happens, for this function, when that
  // lambda runs; scope and par run it before they return, so the move is
  // placed at the lambda's creation.
  llvm::DenseMap<const Stmt *, llvm::SmallVector<const DeclRefExpr *, 2>>
      MovesAtLambda;
  for (const DeclRefExpr *M : Moves) {
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
    Result.push_back({V, F.Use, F.Move,
                      F.Use == F.Move ||
                          SM.isBeforeInTranslationUnit(F.Use->getLocation(),
                                                       F.Move->getLocation())});
  return Result;
}

} // namespace kara
