//===- RuntimeApi.h - What the tool knows about the kara runtime -*- C++
//-*-===//
//
// The one description of <kara/runtime.hpp> that every check and analysis
// asks: which calls start concurrent work, which of their arguments are
// callables, which values they send, what they do to their receiver, which
// handles join, which types are built to be shared, and what counts as the
// runtime's own code. The entry points are rows of RuntimeApi.def; nothing
// else in the tool compares runtime names.
//
//===----------------------------------------------------------------------===//
#ifndef KARA_ANALYSIS_RUNTIMEAPI_H
#define KARA_ANALYSIS_RUNTIMEAPI_H

#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Type.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kara::runtime {

enum class Entry : std::uint8_t {
#define KARA_RUNTIME_ENTRY(Id, ...) Id,
#include "kara/Analysis/RuntimeApi.def"
};

/// How the tool models a call.
enum class EntryKind : std::uint8_t {
  ParLike,          ///< every argument a branch: par, race
  Scope,            ///< kara::scope(body): the body's n.spawn calls are tasks
  NurserySpawn,     ///< n.spawn / n.spawn_blocking inside a scope body
  Spawn,            ///< kara::spawn / spawn_blocking: a joining handle
  Map,              ///< the callable runs for many elements at once
  InPlace,          ///< runs its callable here: blocking, with_timeout
  Recover,          ///< kara::recover: runs here, builds a kara::unique
  ActorMessage,     ///< a.send / a.ask / a.call
  ActorConstruct,   ///< kara::actor<T> a(args...)
  ChannelConstruct, ///< kara::channel<T> ch(capacity)
  ChannelOp,        ///< ch.send / recv / try_send / try_recv / close
  Promise,          ///< p.set_value
};

/// The call's effect on its implicit object.
enum class ReceiverEffect : std::uint8_t {
  NoEffect,       ///< none beyond the callee's own summary
  ReadsReceiver,  ///< reads the object the handle designates
  WritesReceiver, ///< writes the object the handle designates
  ByHandler,      ///< writes it for a non-const handler, reads for const
};

enum Flag : std::uint8_t {
  OpensSite = 1 << 0,
  CrossesBoundary = 1 << 1,
  RunsInPlace = 1 << 2,
  JoinsOnDestroy = 1 << 3,
  Serialised = 1 << 4,
  ReturnsResult = 1 << 5,
};

/// An argument index meaning "every argument" / "no argument".
constexpr int AllArgs = -1;
constexpr int NoArg = -2;

/// One row of RuntimeApi.def.
struct EntryInfo {
  Entry Id;
  llvm::StringLiteral QualifiedName;
  llvm::StringLiteral Display;
  EntryKind Kind;
  int Callable;
  int FirstSent;
  ReceiverEffect Receiver;
  unsigned Flags;

  bool has(Flag F) const { return (Flags & F) != 0; }
  /// True if argument `I` of the call is a callable the entry runs.
  bool isCallableArg(unsigned I) const {
    return Callable == AllArgs || (Callable >= 0 && unsigned(Callable) == I);
  }
  /// True if argument `I` is a value sent away (must be sendable).
  bool isSentArg(unsigned I) const {
    return FirstSent >= 0 && I >= unsigned(FirstSent);
  }
};

/// Every row, in the order of RuntimeApi.def.
llvm::ArrayRef<EntryInfo> entries();
const EntryInfo &info(Entry Id);

/// The entry `Call` calls (a call of a kara function, member or
/// constructor), or null. A copy or move of a handle is no entry.
const EntryInfo *classify(const clang::CallExpr *Call);
const EntryInfo *classify(const clang::CXXConstructExpr *Construct);
/// The entry a callee is (by its qualified name), or null.
const EntryInfo *classifyCallee(const clang::FunctionDecl *FD);
/// `classify` for a call or a construction.
const EntryInfo *classifyExpr(const clang::Expr *E);

/// Qualified names (`::kara::par`) of the entries with `F`, for AST
/// matchers (hasAnyName).
std::vector<std::string> matcherNames(Flag F);

/// The runtime's own code: declared in namespace `kara` (at any depth).
bool isRuntimeCode(const clang::Decl *D);
/// A variable of a `detail` namespace of the runtime (pool state, idle
/// counters): synchronised by the runtime itself.
bool isRuntimeInternalVariable(const clang::VarDecl *V);
/// A type of the runtime (through references and arrays).
bool isRuntimeType(clang::QualType T);

/// `h.join()` on a task handle: the method ends the task it is called on.
bool isJoinMethod(const clang::CXXMethodDecl *M);
/// Methods that, called on a member holding handles (a container of them,
/// an optional), join or drop what it holds: `reset`, `clear`,
/// `cancel_and_wait`.
bool isReleaseMethod(const clang::CXXMethodDecl *M);

/// Objects built to be shared by concurrent tasks: std::atomic, mutexes,
/// condition variables, latches, barriers, semaphores, stop tokens, the
/// nursery and the runtime's cancel state. Touching one from several tasks
/// is not a race.
bool isThreadSafeType(clang::QualType T);

/// The handler a message names: `&T::m` in `a.send(&T::m, ...)`.
const clang::CXXMethodDecl *messageHandler(const clang::CallExpr *Call);
/// The receiver effect of `Call` (an entry with a Receiver effect):
/// WritesReceiver or ReadsReceiver; ByHandler resolved through the handler
/// (an unknown handler writes).
ReceiverEffect receiverEffect(const EntryInfo &E, const clang::CallExpr *Call);

} // namespace kara::runtime

#endif // KARA_ANALYSIS_RUNTIMEAPI_H
