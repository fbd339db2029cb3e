//===- Annotations.h - Reading kara attributes off declarations -*- C++ -*-===//
#ifndef KARA_ANALYSIS_ANNOTATIONS_H
#define KARA_ANALYSIS_ANNOTATIONS_H

#include "kara/Analysis/Effect.h"

#include "clang/AST/Decl.h"
#include "clang/Basic/SourceLocation.h"

#include <optional>
#include <string>
#include <vector>

namespace kara {

/// One [[kara::...]] attribute as written on one declaration.
struct KaraAttribute {
  enum class Kind { Reads, Writes, Pure, Sendable, Malformed };
  Kind AttrKind = Kind::Malformed;
  /// The arguments as written, each with its location.
  std::vector<std::pair<std::string, clang::SourceLocation>> Arguments;
  /// The declaration carrying it.
  const clang::Decl *On = nullptr;
  clang::SourceRange Range;
  /// Malformed only: which attribute (`kara::reads`) and why.
  std::string MalformedName, MalformedReason;

  const char *spelling() const;
};

/// The kara attributes written on this one declaration.
std::vector<KaraAttribute> karaAttributesOf(const clang::Decl *D);

/// An argument of reads/writes resolved against the declaration it is on.
struct ResolvedArgument {
  std::optional<Target> Resolved;
  /// Why it could not be resolved (for kara-annotation).
  std::string Problem;
  /// A parameter name it probably misspells, if any.
  std::string Suggestion;
};
ResolvedArgument resolveArgument(const clang::FunctionDecl *On,
                                 const std::string &Text);

/// Effects declared on any redeclaration of `FD` (SPEC §2: they unite), or
/// nullopt when no declaration carries reads/writes/pure. An override
/// without annotations of its own inherits those of the nearest annotated
/// method it overrides (issue 13 §2). Malformed and unresolvable arguments
/// are skipped (kara-annotation reports them).
std::optional<EffectSet> declaredEffects(const clang::FunctionDecl *FD);

/// The declaration whose attributes declare the effects of `FD`, for notes
/// (an overridden method's, when FD inherits its contract).
const clang::FunctionDecl *annotatedDeclaration(const clang::FunctionDecl *FD);

/// True if the class carries [[kara::sendable]].
bool isMarkedSendable(const clang::Decl *D);

} // namespace kara

#endif
