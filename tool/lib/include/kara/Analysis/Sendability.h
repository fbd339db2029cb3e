//===- Sendability.h - Which types may cross a spawn boundary --*- C++ -*-===//
//
// The type rules of SPEC §6 as the tool sees them. They mirror the runtime's
// `kara::sendable` concept (runtime/include/kara/detail/sendable.hpp):
// arithmetic and enum types, std::string, standard containers / pair / tuple
// / optional / variant / array of sendable types, std::shared_ptr<const T> of
// sendable T, kara::unique<T>, function pointers, and classes that opt in
// ([[kara::sendable]], a `kara::enable_sendable` specialisation, or a member
// `using kara_sendable = void;`).
//
// Unlike the runtime, the tool can see a class's fields, so a class that does
// not opt in is judged by what it holds (SPEC §6: "types holding them are not
// sendable"): a plain `struct Point { int x, y; };` is sendable, a struct
// holding a raw pointer is not. Closure types are judged by their captures.
//
// No diagnostics here: the checks phrase the answers.
//
//===----------------------------------------------------------------------===//
#ifndef KARA_ANALYSIS_SENDABILITY_H
#define KARA_ANALYSIS_SENDABILITY_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Type.h"

#include <optional>
#include <string>

namespace kara {

struct SendabilityOptions {
  /// Accept a raw pointer to const sendable data (`const char *`). Used for
  /// captures ("captures of const data are accepted"); not for the fields of
  /// a class marked [[kara::sendable]], where every raw pointer to data is an
  /// error.
  bool AllowPointerToConst = false;
};

/// Why a type is not sendable.
struct NotSendable {
  /// What is wrong, with the offending type spelled: "raw pointer 'int *'",
  /// "reference 'int &'", "std::shared_ptr to mutable data
  /// 'std::shared_ptr<int>'".
  std::string What;
  /// Where it sits inside the type asked about: "field 'next'",
  /// "field 'a.next'", "a capture of 'x'"; empty when the type itself is the
  /// problem.
  std::string Where;
  /// The class (or closure) holding the problem, when `Where` is set.
  const clang::CXXRecordDecl *Holder = nullptr;

  /// "raw pointer 'int *'" or "raw pointer 'int *' in field 'next'".
  std::string str() const;
};

/// nullopt when `T` may cross a spawn boundary, otherwise why not.
std::optional<NotSendable> whyNotSendable(clang::QualType T,
                                          const clang::ASTContext &Ctx,
                                          SendabilityOptions Opts = {});

/// How a class opted in, if it did.
enum class SendableOptIn { None, Attribute, EnableSendable, MemberAlias };
SendableOptIn sendableOptIn(const clang::CXXRecordDecl *RD,
                            const clang::ASTContext &Ctx);

/// Objects built to be shared by concurrent tasks: std::atomic, mutexes,
/// condition variables, latches, barriers, semaphores, stop tokens and
/// `kara::nursery`. Touching one from several tasks is not a race.
bool isThreadSafeType(clang::QualType T);

/// `kara::unique<T>` (through typedefs and `auto`).
bool isKaraUnique(clang::QualType T);

/// The qualified name of a record without inline namespaces or template
/// arguments: `std::vector`, `kara::unique`.
std::string recordName(const clang::NamedDecl *D);

} // namespace kara

#endif
