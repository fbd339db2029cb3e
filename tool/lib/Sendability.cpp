//===- Sendability.cpp - Which types may cross a spawn boundary -----------===//

#include "kara/Analysis/Sendability.h"

#include "kara/Analysis/Annotations.h"
#include "kara/Analysis/EffectAnalysis.h"

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/TemplateBase.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;

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

} // namespace kara
