//===- Sendability.h - Which types may cross a spawn boundary --*- C++ -*-===//
//
// The type rules of SPEC §6 as the tool sees them. They mirror the runtime's
// `kara::sendable` concept (runtime/include/kara/sendable.hpp):
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

#include "kara/Analysis/Concurrency.h"
#include "kara/Analysis/EffectAnalysis.h"
#include "kara/Analysis/RuntimeApi.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Type.h"

#include <optional>
#include <string>
#include <vector>

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

/// `kara::unique<T>` (through typedefs and `auto`).
bool isKaraUnique(clang::QualType T);

/// The qualified name of a record without inline namespaces or template
/// arguments: `std::vector`, `kara::unique`.
std::string recordName(const clang::NamedDecl *D);

/// `E` without implicit nodes, parentheses, single-argument copies or
/// functional casts around it.
const clang::Expr *skipWrappers(const clang::Expr *E);
/// A call to std::move, std::forward, std::ref or std::cref.
bool isStdMoveLike(const clang::CallExpr *C);
/// `std::move(u)` (or a cast to `unique&&`) of a kara::unique local: the
/// reference to `u`; null otherwise.
const clang::DeclRefExpr *movedUnique(const clang::Expr *E);

/// One argument of a call that crosses a spawn boundary.
struct SpawnArgument {
  /// The call (or, for an actor, the construction).
  const clang::Expr *Call;
  const runtime::EntryInfo *Entry;
  const clang::Expr *Arg;
  const clang::LambdaExpr *Lambda; // the task lambda, if the argument is one
};
/// The arguments of every call in `Body` whose entry crosses a spawn
/// boundary (RuntimeApi.def, CrossesBoundary): tasks, messages to actors,
/// channel sends. kara::recover runs its callable in place and is none.
std::vector<SpawnArgument> spawnArguments(const clang::Stmt *Body,
                                          clang::ASTContext &Ctx);

/// A kara::unique used after it was moved into a task (SPEC §6).
struct UseAfterSend {
  const clang::VarDecl *Var;
  const clang::DeclRefExpr *Use;
  const clang::DeclRefExpr *Move;
  /// The move comes later in the source: it happened in an earlier
  /// iteration of a loop.
  bool InEarlierIteration;
  /// What it was moved into: a task, a message, a channel.
  const runtime::EntryInfo *Into;
};
/// Flow-sensitive over the CFG of `FD` (branches, loops): every kara::unique
/// local that may be used after a move into a task, with its first use.
/// Assignment and `has_value()` are not uses; moves inside a lambda the body
/// runs before returning (a scope body, a par branch) count where the lambda
/// is created.
std::vector<UseAfterSend> findUsesAfterSend(const clang::FunctionDecl *FD,
                                            clang::ASTContext &Ctx);

/// A pointer or reference to mutable data, captured by reference by a side
/// of a spawn site, written through by one side while another side (or the
/// same side running concurrently with itself) uses it.
struct AliasRace {
  const clang::VarDecl *Var;
  unsigned Writer, Other; // indices into the site's Sides; equal: itself
  const clang::Expr *Write;
  const clang::Expr *OtherUse; // the other side's write, else its use
  bool OtherWrites;
  bool Pointer; // a pointer (otherwise a reference)
};
std::vector<AliasRace> findAliasRaces(const SpawnSite &Site,
                                      clang::ASTContext &Ctx);

/// A local of the enclosing function written by one side of a spawn site
/// while another side (or the same side, spawned in a loop or mapped) reads
/// or writes it. Element access through a container (`v[i]`) counts as a
/// read when every use on both sides indexes it; thread-safe types
/// (atomics, mutexes, the nursery) never race.
struct CapturedLocalRace {
  const clang::VarDecl *Var;
  unsigned Writer, Other; // indices into the site's Sides; equal: itself
  EffectEntry WriterAccess, OtherAccess;
  bool OtherWrites;
  /// The by-reference capture to report at (null if there is none), and
  /// whether it belongs to the other side rather than the writer.
  const clang::LambdaCapture *Capture;
  bool CapturedByOther;
};
std::vector<CapturedLocalRace>
findCapturedLocalRaces(const SpawnSite &Site, EffectAnalysis &A,
                       const clang::FunctionDecl *FD, clang::ASTContext &Ctx);

} // namespace kara

#endif
