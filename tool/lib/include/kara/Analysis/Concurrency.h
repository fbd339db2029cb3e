//===- Concurrency.h - What runs concurrently with what --------*- C++ -*-===//
//
// SPEC §3 (kara-par-conflict), §5, §6. Finds the calls of the kara runtime
// that start concurrent work (`kara::par`, `kara::race`, `kara::scope` with
// the `n.spawn` calls of its body, `kara::spawn`, `kara::spawn_blocking`,
// `kara::map`, `kara::map_limited`) and describes, for each one, the sides
// that run at the same time: the branches, the tasks, the callable of a map,
// and the code of the parent that runs while a task may still run. It also
// gives the effects of each side in the enclosing function's context, from
// EffectAnalysis. No diagnostics here: kara-par-conflict and kara-sendable
// turn pairs of sides into messages.
//
// Effects of a side, in the context of the function that starts it:
// - a lambda: the summary of its call operator; effects on the closure
//   object (`this.<capture>`, by-copy captures: private copies) and on its
//   parameters are dropped; variables of the enclosing functions captured
//   by reference stay as `Target::Kind::Local` targets of their VarDecl;
//   a captured `this` of an enclosing member function is the same object as
//   the enclosing function's `this` (Kind::This).
// - a function named directly (or a local variable initialised with a
//   lambda, looked through): its summary with parameter effects dropped.
// - anything else (a function pointer, std::function): unknown.
// - the parent: statementEffects of each statement that runs concurrently.
//
//===----------------------------------------------------------------------===//
#ifndef KARA_ANALYSIS_CONCURRENCY_H
#define KARA_ANALYSIS_CONCURRENCY_H

#include "kara/Analysis/EffectAnalysis.h"
#include "kara/Analysis/RuntimeApi.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kara {

/// One piece of code that runs concurrently with others.
struct ConcurrentSide {
  enum Kind {
    ParBranch,   ///< an argument of kara::par or kara::race
    ScopeTask,   ///< a task spawned with n.spawn / n.spawn_blocking
    SpawnTask,   ///< the task of kara::spawn / kara::spawn_blocking
    MapCallable, ///< the callable of kara::map / kara::map_limited
    Parent,      ///< code of the parent that runs while a task may run
  };
  Kind SideKind = ParBranch;
  /// The callable expression as written (a lambda, a reference to a local
  /// lambda variable, a function name, ...). Null for Parent.
  const clang::Expr *Callable = nullptr;
  /// The lambda the callable is or names (through a local variable's
  /// initializer), if known.
  const clang::LambdaExpr *Lambda = nullptr;
  /// The function the callable names, if it names one directly (not a
  /// lambda): `kara::par(f, g)`, `kara::spawn(&work)`.
  const clang::FunctionDecl *Function = nullptr;
  /// Parent: the statements that run concurrently with the task(s), in
  /// source order (whole statements: a loop that spawns is included
  /// entirely, its other iterations run while the task runs).
  std::vector<const clang::Stmt *> ParentCode;
  /// Parent: for each statement of ParentCode, the function whose body it
  /// is written in (the site's function, or a lambda's call operator).
  std::vector<const clang::FunctionDecl *> ParentContexts;
  /// The spawn calls of this site that are sides of their own: when the
  /// effects of code containing them are computed, only the evaluation of
  /// their arguments counts, not the task.
  std::vector<const clang::CallExpr *> SeparateSpawns;
  /// The function whose body the side's code (Callable or ParentCode) is
  /// written in: the function containing the spawn, or the call operator of
  /// the task lambda for a task spawned from a task.
  const clang::FunctionDecl *Context = nullptr;
  /// Runs concurrently with itself: spawned in a loop, a map callable.
  bool Repeated = false;
  /// For ScopeTask and SpawnTask: the spawn call (n.spawn(...) or
  /// kara::spawn(...)).
  const clang::CallExpr *SpawnCall = nullptr;
  clang::SourceLocation Loc;
  /// "branch 2 of kara::par", "the task spawned at line 12", "the
  /// callable of kara::map", "the parent between the spawn at line 10 and
  /// the join at line 15".
  std::string Description;
  /// Short form for messages: "branch 2", "task at line 12", "the parent".
  std::string ShortName;
};

/// A call that starts concurrent work and the sides it creates.
struct SpawnSite {
  /// The kara::par / race / scope / spawn / spawn_blocking / map /
  /// map_limited call.
  const clang::CallExpr *Call = nullptr;
  /// "kara::par", "kara::scope", ... (the entry's Display name).
  std::string What;
  /// The entry point called (RuntimeApi.def).
  const runtime::EntryInfo *Entry = nullptr;
  std::vector<ConcurrentSide> Sides;
  /// Indices into Sides of pairs that may run at the same time, i <= j;
  /// (i, i) for a Repeated side.
  std::vector<std::pair<unsigned, unsigned>> ConcurrentPairs;
};

/// True if `Call` calls a runtime entry point that opens a spawn site
/// (RuntimeApi.def, flag OpensSite).
bool isConcurrencyEntryPoint(const clang::CallExpr *Call);

/// The name of the runtime entry point `Call` calls ("kara::par", ...), or
/// empty.
std::string concurrencyEntryPointName(const clang::CallExpr *Call);

/// The sides of one call to a runtime entry point made in `Context` (the
/// function whose body contains the call). std::nullopt if `Call` is not an
/// entry point, or it cannot be understood (then nothing is claimed).
std::optional<SpawnSite> spawnSiteFor(const clang::CallExpr *Call,
                                      const clang::FunctionDecl *Context,
                                      clang::ASTContext &Ctx);

/// Every spawn site in the body of `Fn` (calls inside lambdas of Fn are
/// attributed to the lambda's call operator, with Fn's locals kept as they
/// are, so they are included too).
std::vector<SpawnSite> findSpawnSites(const clang::FunctionDecl *Fn,
                                      clang::ASTContext &Ctx);

/// The effects of running `Side`, in the context of the function that
/// contains the spawn site (`Context`); see the file comment. Each entry's
/// Reason refers to the summary returned by `sideSummary`, so that
/// explainEffect can follow it.
std::vector<EffectEntry> sideEffects(const ConcurrentSide &Side,
                                     EffectAnalysis &A,
                                     const clang::FunctionDecl *Context);

/// The same effects as a FunctionSummary (Effects + Entries), suitable for
/// explainEffect.
FunctionSummary sideSummary(const ConcurrentSide &Side, EffectAnalysis &A,
                            const clang::FunctionDecl *Context);

/// True if the effect `Why` explains is, at the end of its call chain, a
/// message to an actor or an operation on a channel (RuntimeApi.def,
/// Serialised): the runtime orders those on one receiver, so two of them
/// never race with each other.
bool isSerialisedAccess(const Reason &Why, EffectAnalysis &A);

/// The lambda an expression is or names: looks through parentheses, casts,
/// copies/moves, std::move/std::ref, and a reference to a local variable
/// whose initializer is a lambda.
const clang::LambdaExpr *lambdaOf(const clang::Expr *E);

/// The function an expression names (`f`, `&f`, `ns::f`), if any.
const clang::FunctionDecl *functionOf(const clang::Expr *E);

} // namespace kara

#endif // KARA_ANALYSIS_CONCURRENCY_H
