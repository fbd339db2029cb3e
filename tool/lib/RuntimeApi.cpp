//===- RuntimeApi.cpp - What the tool knows about the kara runtime --------===//
//
// See RuntimeApi.h; the entry points are the rows of RuntimeApi.def.
//
//===----------------------------------------------------------------------===//

#include "kara/Analysis/RuntimeApi.h"

#include "kara/Analysis/EffectAnalysis.h"

#include "clang/AST/DeclTemplate.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;

namespace kara::runtime {

namespace {

constexpr EntryInfo Table[] = {
#define KARA_RUNTIME_ENTRY(Id, Name, Display, Kind, Callable, FirstSent,       \
                           Receiver, Flags)                                    \
  {Entry::Id,                                                                  \
   llvm::StringLiteral(Name),                                                  \
   llvm::StringLiteral(Display),                                               \
   EntryKind::Kind,                                                            \
   Callable,                                                                   \
   FirstSent,                                                                  \
   ReceiverEffect::Receiver,                                                   \
   static_cast<unsigned>(Flags)},
#include "kara/Analysis/RuntimeApi.def"
};

/// Thread-safe types by qualified name (class templates without arguments).
constexpr llvm::StringLiteral ThreadSafeTypes[] = {
    "std::atomic",
    "std::atomic_ref",
    "std::atomic_flag",
    "std::mutex",
    "std::recursive_mutex",
    "std::timed_mutex",
    "std::recursive_timed_mutex",
    "std::shared_mutex",
    "std::shared_timed_mutex",
    "std::condition_variable",
    "std::condition_variable_any",
    "std::latch",
    "std::barrier",
    "std::counting_semaphore",
    "std::binary_semaphore",
    "std::stop_source",
    "std::stop_token",
    "std::once_flag",
    "kara::nursery",
    "kara::detail::cancel_state",
};

constexpr llvm::StringLiteral JoinMethods[] = {"join"};
constexpr llvm::StringLiteral ReleaseMethods[] = {"reset", "clear",
                                                  "cancel_and_wait"};

template <std::size_t N>
bool listed(const llvm::StringLiteral (&List)[N], llvm::StringRef Name) {
  for (llvm::StringRef L : List)
    if (L == Name)
      return true;
  return false;
}

const EntryInfo *byName(const NamedDecl *D) {
  if (!D || !isRuntimeCode(D))
    return nullptr;
  std::string Name = EffectAnalysis::databaseName(D);
  for (const EntryInfo &E : Table)
    if (E.QualifiedName == Name)
      return &E;
  return nullptr;
}

const NamespaceDecl *outermostNamespace(const Decl *D) {
  const NamespaceDecl *Outer = nullptr;
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent())
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
      Outer = NS;
  return Outer;
}

} // namespace

llvm::ArrayRef<EntryInfo> entries() { return Table; }

const EntryInfo &info(Entry Id) { return Table[static_cast<unsigned>(Id)]; }

const EntryInfo *classify(const CallExpr *Call) {
  // getDirectCallee also gives a member call's method (CallExpr looks
  // through the MemberExpr).
  return Call ? byName(Call->getDirectCallee()) : nullptr;
}

const EntryInfo *classifyCallee(const FunctionDecl *FD) { return byName(FD); }

const EntryInfo *classify(const CXXConstructExpr *Construct) {
  if (!Construct || !Construct->getConstructor() ||
      Construct->getConstructor()->isCopyOrMoveConstructor())
    return nullptr;
  const EntryInfo *E = byName(Construct->getConstructor());
  return E && (E->Kind == EntryKind::ActorConstruct ||
               E->Kind == EntryKind::ChannelConstruct)
             ? E
             : nullptr;
}

const EntryInfo *classifyExpr(const Expr *E) {
  if (const auto *CE = dyn_cast_or_null<CallExpr>(E))
    return classify(CE);
  if (const auto *CE = dyn_cast_or_null<CXXConstructExpr>(E))
    return classify(CE);
  return nullptr;
}

std::vector<std::string> matcherNames(Flag F) {
  std::vector<std::string> Names;
  for (const EntryInfo &E : Table)
    if (E.has(F))
      Names.push_back("::" + E.QualifiedName.str());
  return Names;
}

bool isRuntimeCode(const Decl *D) {
  const NamespaceDecl *Outer = D ? outermostNamespace(D) : nullptr;
  return Outer && Outer->getName() == "kara";
}

bool isRuntimeInternalVariable(const VarDecl *V) {
  bool InDetail = false;
  for (const DeclContext *DC = V->getDeclContext();
       DC && !DC->isTranslationUnit(); DC = DC->getParent())
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
      InDetail |= NS->getName() == "detail";
  return InDetail && isRuntimeCode(V);
}

bool isRuntimeType(QualType T) {
  T = T.getNonReferenceType();
  while (const auto *AT = T->getAsArrayTypeUnsafe())
    T = AT->getElementType();
  const auto *RD = T->getAsCXXRecordDecl();
  return RD && isRuntimeCode(RD);
}

bool isJoinMethod(const CXXMethodDecl *M) {
  return M && M->getIdentifier() && listed(JoinMethods, M->getName());
}

bool isReleaseMethod(const CXXMethodDecl *M) {
  return M && M->getIdentifier() && listed(ReleaseMethods, M->getName());
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
  if (const auto *S = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    if (listed(ThreadSafeTypes,
               EffectAnalysis::databaseName(S->getSpecializedTemplate())))
      return true;
  return listed(ThreadSafeTypes, EffectAnalysis::databaseName(RD));
}

const CXXMethodDecl *messageHandler(const CallExpr *Call) {
  if (!Call || Call->getNumArgs() < 1)
    return nullptr;
  const Expr *E = Call->getArg(0)->IgnoreParenImpCasts();
  if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
    E = MTE->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      if (const auto *DRE =
              dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParens()))
        return dyn_cast<CXXMethodDecl>(DRE->getDecl());
  return nullptr;
}

ReceiverEffect receiverEffect(const EntryInfo &E, const CallExpr *Call) {
  if (E.Receiver != ReceiverEffect::ByHandler)
    return E.Receiver;
  const CXXMethodDecl *M = messageHandler(Call);
  return M && M->isConst() ? ReceiverEffect::ReadsReceiver
                           : ReceiverEffect::WritesReceiver;
}

} // namespace kara::runtime
