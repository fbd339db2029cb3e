//===- Annotations.cpp - Reading kara attributes off declarations ---------===//

#include "kara/Analysis/Annotations.h"

#include "kara/attributes/AttributeNames.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/CharInfo.h"
#include "llvm/ADT/StringRef.h"

using namespace clang;

namespace kara {

const char *KaraAttribute::spelling() const {
  switch (AttrKind) {
  case Kind::Reads:
    return ReadsAnnotation;
  case Kind::Writes:
    return WritesAnnotation;
  case Kind::Pure:
    return PureAnnotation;
  case Kind::Sendable:
    return SendableAnnotation;
  case Kind::Malformed:
    return MalformedAnnotation;
  }
  return MalformedAnnotation;
}

static std::pair<std::string, SourceLocation> stringArg(const Expr *E) {
  if (const auto *S = dyn_cast_or_null<StringLiteral>(E->IgnoreParenImpCasts()))
    return {S->getString().str(), S->getBeginLoc()};
  return {"", E ? E->getBeginLoc() : SourceLocation()};
}

std::vector<KaraAttribute> karaAttributesOf(const Decl *D) {
  std::vector<KaraAttribute> Result;
  for (const auto *A : D->specific_attrs<AnnotateAttr>()) {
    // Inherited copies belong to an earlier declaration, which reports them.
    if (A->isInherited())
      continue;
    StringRef Name = A->getAnnotation();
    if (!Name.starts_with("kara::"))
      continue;
    KaraAttribute K;
    K.On = D;
    K.Range = A->getRange();
    if (Name == ReadsAnnotation)
      K.AttrKind = KaraAttribute::Kind::Reads;
    else if (Name == WritesAnnotation)
      K.AttrKind = KaraAttribute::Kind::Writes;
    else if (Name == PureAnnotation)
      K.AttrKind = KaraAttribute::Kind::Pure;
    else if (Name == SendableAnnotation)
      K.AttrKind = KaraAttribute::Kind::Sendable;
    else if (Name == MalformedAnnotation)
      K.AttrKind = KaraAttribute::Kind::Malformed;
    else
      continue;
    std::vector<std::pair<std::string, SourceLocation>> Args;
    for (const Expr *Arg : A->args())
      Args.push_back(stringArg(Arg));
    if (K.AttrKind == KaraAttribute::Kind::Malformed) {
      if (Args.size() == 2) {
        K.MalformedName = Args[0].first;
        K.MalformedReason = Args[1].first;
      }
    } else {
      K.Arguments = std::move(Args);
    }
    Result.push_back(std::move(K));
  }
  return Result;
}

static bool isIdentifier(StringRef S) {
  if (S.empty() || !isAsciiIdentifierStart(S.front()))
    return false;
  return llvm::all_of(S, [](char C) { return isAsciiIdentifierContinue(C); });
}

ResolvedArgument resolveArgument(const FunctionDecl *On,
                                 const std::string &Text) {
  ResolvedArgument R;
  StringRef Path(Text);
  const auto *Method = dyn_cast<CXXMethodDecl>(On);
  if (Path == "this") {
    if (!Method || Method->isStatic() || isa<CXXConstructorDecl>(Method)) {
      if (Method && isa<CXXConstructorDecl>(Method))
        R.Resolved = Target::thisObject();
      else
        R.Problem = Method
                        ? "'this' names no object in a static member function"
                        : "'this' is only meaningful on a non-static member "
                          "function";
      return R;
    }
    R.Resolved = Target::thisObject();
    return R;
  }
  // A name path: A::B::C, with an optional leading `::`.
  StringRef Rest = Path;
  Rest.consume_front("::");
  llvm::SmallVector<StringRef, 4> Parts;
  Rest.split(Parts, "::");
  for (StringRef P : Parts)
    if (!isIdentifier(P)) {
      R.Problem =
          "'" + Text + "' is not a resource path, 'this' or a parameter name";
      return R;
    }
  if (Parts.size() == 1 && !Path.starts_with("::")) {
    for (unsigned I = 0; I < On->getNumParams(); ++I) {
      const ParmVarDecl *P = On->getParamDecl(I);
      if (P->getName() == Parts[0]) {
        R.Resolved = Target::param(I, P->getName().str());
        return R;
      }
    }
    // Not a parameter: a resource. Flag names that look like a misspelt
    // parameter, which would otherwise silently become a new resource.
    unsigned Best = 3;
    for (const ParmVarDecl *P : On->parameters()) {
      if (P->getName().size() < 2)
        continue;
      unsigned Distance = Parts[0].edit_distance(P->getName(), true, Best);
      if (Distance < Best &&
          (Distance == 1 || Distance * 3 <= P->getName().size())) {
        Best = Distance;
        R.Suggestion = P->getName().str();
      }
    }
    if (!R.Suggestion.empty()) {
      R.Problem = "'" + Text + "' is not a parameter of '" +
                  On->getNameAsString() + "'";
      return R;
    }
  }
  R.Resolved = Target::resource(Rest.str());
  return R;
}

static const FunctionDecl *patternOrSelf(const FunctionDecl *FD) {
  if (const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern())
    return Pattern;
  return FD;
}

/// Calls `Fn(Redeclaration, Attribute)` for the effect attributes of every
/// redeclaration of FD and of the template it was instantiated from.
template <typename Callback>
static void forEachEffectAttribute(const FunctionDecl *FD, Callback Fn) {
  llvm::SmallVector<const FunctionDecl *, 2> Roots = {FD};
  if (patternOrSelf(FD) != FD)
    Roots.push_back(patternOrSelf(FD));
  for (const FunctionDecl *Root : Roots)
    for (const FunctionDecl *Redecl : Root->redecls())
      for (const KaraAttribute &A : karaAttributesOf(Redecl))
        if (A.AttrKind == KaraAttribute::Kind::Reads ||
            A.AttrKind == KaraAttribute::Kind::Writes ||
            A.AttrKind == KaraAttribute::Kind::Pure)
          Fn(Redecl, A);
}

static bool hasOwnEffectAttributes(const FunctionDecl *FD) {
  bool Found = false;
  forEachEffectAttribute(
      FD, [&](const FunctionDecl *, const KaraAttribute &) { Found = true; });
  return Found;
}

/// The function whose attributes are FD's contract: FD itself if it carries
/// effect attributes; otherwise, for an override, the nearest overridden
/// method that does (annotations on a virtual function are the contract of
/// every override; with several annotated bases, the first one in
/// declaration order).
static const FunctionDecl *contractHolder(const FunctionDecl *FD,
                                          unsigned Depth = 0) {
  if (hasOwnEffectAttributes(FD))
    return FD;
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  if (!MD || Depth > 16)
    return nullptr;
  for (const CXXMethodDecl *Overridden : MD->overridden_methods())
    if (const FunctionDecl *Holder = contractHolder(Overridden, Depth + 1))
      return Holder;
  return nullptr;
}

std::optional<EffectSet> declaredEffects(const FunctionDecl *FD) {
  const FunctionDecl *Holder = contractHolder(FD);
  if (!Holder)
    return std::nullopt;
  EffectSet Set;
  forEachEffectAttribute(
      Holder, [&](const FunctionDecl *Redecl, const KaraAttribute &A) {
        for (const auto &[Text, Loc] : A.Arguments) {
          ResolvedArgument R = resolveArgument(Redecl, Text);
          if (!R.Resolved)
            continue;
          Set.add(A.AttrKind == KaraAttribute::Kind::Writes
                      ? Effect::write(*R.Resolved)
                      : Effect::read(*R.Resolved));
        }
      });
  return Set;
}

const FunctionDecl *annotatedDeclaration(const FunctionDecl *FD) {
  const FunctionDecl *Holder = contractHolder(FD);
  if (!Holder)
    return nullptr;
  const FunctionDecl *Found = nullptr;
  forEachEffectAttribute(
      Holder, [&](const FunctionDecl *Redecl, const KaraAttribute &) {
        if (!Found)
          Found = Redecl;
      });
  return Found;
}

bool isMarkedSendable(const Decl *D) {
  for (const Decl *Redecl : D->redecls())
    for (const KaraAttribute &A : karaAttributesOf(Redecl))
      if (A.AttrKind == KaraAttribute::Kind::Sendable)
        return true;
  return false;
}

} // namespace kara
