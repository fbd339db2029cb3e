//===- Dependence.h - Which statements may run in parallel -----*- C++ -*-===//
//
// SPEC §4. Two statements of one compound statement are independent when
// their effects (with the function's locals kept, so def-use, aliasing
// through references and pointers, and calls on the same object all show up
// as effects on locals) do not conflict, neither contains control flow that
// leaves it, neither is inside a macro expansion, and (with strict exception
// order) a statement that may throw and one that writes anything (before or
// after it) stay in order.
//
// A run of candidate statements is split into chains: a statement that
// depends on exactly one chain joins it, one that depends on none starts a
// chain, and one that depends on several (or on a deferred statement) is
// deferred until after the parallel block. No diagnostics here: the check
// turns the plan and its reasons into messages and fix-its.
//
//===----------------------------------------------------------------------===//
#ifndef KARA_ANALYSIS_DEPENDENCE_H
#define KARA_ANALYSIS_DEPENDENCE_H

#include "kara/Analysis/EffectAnalysis.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kara {

/// Why a statement can never be part of a run (SPEC §4). The check turns it
/// into words.
struct Blocker {
  enum class Kind {
    NotCandidateKind, ///< not an expression statement or a declaration
    NonLocalDecl,     ///< declares something else than initialised locals
    Macro,            ///< inside a macro expansion
    ControlFlow,      ///< contains `Construct` (return, break, ...)
    ContainsPar,      ///< contains a kara::par (or a run rewritten now)
  };
  Kind BlockerKind = Kind::NotCandidateKind;
  /// ControlFlow: the construct, as spelt in C++ (`return`, `co_await`, or
  /// `label` for a label).
  const char *Construct = "";
};

/// What one statement of a block does, for dependence.
struct StatementInfo {
  const clang::Stmt *S = nullptr;
  /// Effects with the enclosing function's locals kept; a declaration
  /// writes the variables it declares.
  EffectSet Effects;
  std::vector<EffectEntry> Entries;
  /// Variables this statement declares.
  std::vector<const clang::VarDecl *> Declares;
  /// Every variable the statement names, in any way: evaluated or not
  /// (sizeof, decltype), inside nested lambdas, as captures.
  std::vector<const clang::VarDecl *> Uses;
  /// True if it may throw (a throw, or a call that may throw).
  bool MayThrow = false;
  /// Whether it calls a function carrying kara annotations (SPEC §4).
  bool CallsAnnotated = false;
  /// An annotated callee whose visible body exceeds its annotation: its
  /// effects are not known, so the run is not reordered.
  const clang::FunctionDecl *BrokenContract = nullptr;
  /// A pointer (or pointer-like object) with local storage that it names
  /// and does not declare. A branch would capture it by reference, and the
  /// effect analysis then takes it as possibly reseated: the rewritten
  /// code's pointee would be unknown to kara-par-conflict and to a second
  /// run. Such a statement is never moved into a branch (it follows the
  /// par).
  const clang::VarDecl *CapturedPointer = nullptr;
  /// Set if it can never be part of a run.
  std::optional<Blocker> Block;

  bool isCandidate() const { return CallsAnnotated && !Block; }
  /// True if it names `V` (see Uses).
  bool uses(const clang::VarDecl *V) const;
};

/// Where the exception of a statement goes, for deciding which writes stay
/// observable after it (SPEC §4): the function the run is in, and the try
/// block of the innermost `try` of that function that encloses the run
/// (null if none, the exception then leaves the function).
struct ThrowScope {
  const clang::FunctionDecl *Context = nullptr;
  const clang::Stmt *TryBlock = nullptr;
};

/// Why a later statement must stay after an earlier one.
struct Dependence {
  unsigned Earlier = 0, Later = 0; // indices into the run
  enum class Kind {
    Conflict,  ///< their effects conflict
    DefUse,    ///< the later one names a variable the earlier declares
    Exception, ///< the earlier may throw, the later writes
    ExceptionAfterWrite, ///< the earlier writes, the later may throw
    ThrowOrder,          ///< both may throw: which exception wins is ordered
    Pinned,   ///< the later one never moves into a branch (CapturedPointer)
    MayAlias, ///< their effects name objects that may be one (see below)
  } DependenceKind = Kind::Conflict;
  /// Conflict: the earlier and later statement's conflicting effects.
  /// MayAlias: the same, on two names of outside objects (a global, `*this`,
  /// a reference or pointer parameter's referent) that a caller may make
  /// the same object, e.g. by passing the global as the parameter.
  /// Exception: the write of the later statement (in LaterEffect), which
  /// sequential code does not reach when the earlier one throws.
  /// ExceptionAfterWrite: the write of the earlier statement (in
  /// EarlierEffect), which sequential code completes before the later one
  /// throws but a parallel block could skip (a deferred statement, or a
  /// branch not yet started when a sibling fails).
  std::optional<Effect> EarlierEffect, LaterEffect;
  /// DefUse: the variable. Pinned: the pointer.
  const clang::VarDecl *Var = nullptr;
  /// ThrowOrder: the earlier statement was deferred, or placing the later
  /// one beside it would let par propagate another exception than
  /// sequential code (see plan()).
};

/// One kara::par of a rewritten run.
struct ParRound {
  /// Chains of indices into the run, each in source order. Branch 0 first
  /// (see plan()), then the others ordered by their first statement.
  std::vector<std::vector<unsigned>> Chains;
};

struct RunPlan {
  /// The kara::par blocks, in order: the first over the whole run, each
  /// further one over the statements the previous one deferred. Only
  /// rounds with at least two chains.
  std::vector<ParRound> Rounds;
  /// Statements after the last par, in source order, as written.
  std::vector<unsigned> Sequential;
  /// Statements the first round defers (they follow its par).
  std::vector<unsigned> Deferred;
  /// The dependences that shaped the first round.
  std::vector<Dependence> Dependences;

  bool parallelizes() const { return !Rounds.empty(); }
};

/// Variables that `Statements` only read and that a closure running them can
/// capture by copy without changing what they compute: locals or parameters
/// of arithmetic or enum, non-volatile type, declared outside the statements
/// and not among `Excluded`, whose every use loads the value (no assignment,
/// address, reference binding, nested lambda, unevaluated operand or constant
/// use). The copy is taken when the closure is made, so the caller must also
/// know that nothing writes them while the statements run (kara::par branches:
/// any such write is a dependence), and that no alias of them exists
/// (aliasedLocals). Sorted by name.
std::vector<const clang::VarDecl *>
readOnlyScalarLocals(llvm::ArrayRef<const clang::Stmt *> Statements,
                     llvm::ArrayRef<const clang::VarDecl *> Excluded,
                     const clang::ASTContext &Context);

/// Local variables of `Body` (nested lambdas included) that may have an
/// alias: their address is taken, they are bound to a reference (a
/// reference variable or parameter, a by-reference capture), or used in any
/// other way than loading, assigning or incrementing their value. A write
/// through such an alias changes the variable behind a copy's back.
std::vector<const clang::VarDecl *> aliasedLocals(const clang::Stmt *Body);

/// A class whose destruction may be observable (a user-provided destructor
/// outside namespace std, in the type, its bases or members, or, for std
/// templates such as containers and smart pointers, their type arguments).
const clang::CXXRecordDecl *observableDestructor(clang::QualType T);

class DependenceAnalysis {
public:
  DependenceAnalysis(EffectAnalysis &Effects, bool StrictExceptionOrder)
      : Effects(Effects), StrictExceptionOrder(StrictExceptionOrder) {}

  StatementInfo describe(const clang::Stmt *S,
                         const clang::FunctionDecl *Context);

  /// The reason `Later` must stay after `Earlier`, if any (ThrowOrder is
  /// reported too; plan() decides whether it orders them).
  std::optional<Dependence> dependence(const StatementInfo &Earlier,
                                       const StatementInfo &Later,
                                       const ThrowScope &Scope) const;

  /// Plans every round of a run. Exceptions (with StrictExceptionOrder):
  /// par runs branch 0 to its end whatever the others do, may skip a branch
  /// > 0 that has not started when a sibling failed, and rethrows the error
  /// of the lowest-index failing branch. So statements that may throw are
  /// allowed in branch 0 and in at most one other branch, and those of
  /// branch 0 all precede (in source order) those of the other; a statement
  /// that may throw follows a deferred one that may throw. Together with the
  /// Exception and ExceptionAfterWrite dependences this makes the rewrite
  /// propagate the exception sequential code would have propagated, for
  /// every combination of throwing statements, with every observable write
  /// before it done and none after it. Branch 0 is the chain whose write an
  /// ExceptionAfterWrite exemption relies on, or the first chain holding a
  /// statement that may throw when another chain receives one, or else the
  /// first chain.
  RunPlan plan(const std::vector<StatementInfo> &Run,
               const ThrowScope &Scope) const;

  /// Maximal runs of consecutive candidate statements (length >= 2) of a
  /// block, as index ranges [first, last] into `Statements`.
  static std::vector<std::pair<unsigned, unsigned>>
  candidateRuns(const std::vector<StatementInfo> &Statements);

  /// True if a write of `E` could be seen after an exception leaves the
  /// run (SPEC §4): anything but a local variable of the run's function
  /// whose scope the exception leaves (no try of that function between the
  /// run and the variable's scope), that is no reference and has no
  /// observable destructor.
  static bool observableAfterThrow(const Effect &E, const ThrowScope &Scope);

  /// For MayAlias: the effect pair of two outside objects that may be one
  /// object, one of them written (also used by LoopAnalysis).
  std::optional<std::pair<Effect, Effect>>
  aliasConflict(const EffectSet &A, const EffectSet &B,
                const clang::FunctionDecl *Context) const;

private:
  struct Round {
    std::vector<std::vector<unsigned>> Chains; // indices into Members
    std::vector<unsigned> Deferred;            // indices into Members
    std::vector<Dependence> Dependences;
  };
  Round planRound(const std::vector<StatementInfo> &Run,
                  const std::vector<unsigned> &Members,
                  const ThrowScope &Scope) const;
  std::optional<Effect> firstObservableWrite(const StatementInfo &Info,
                                             const ThrowScope &Scope) const;

  /// The variables a resource path names (a variable, a namespace's
  /// variables, the variable a member path starts at); empty for an
  /// abstract resource.
  const std::vector<const clang::VarDecl *> &
  resourceVariables(const std::vector<std::string> &Path,
                    const clang::ASTContext &Ctx) const;

  EffectAnalysis &Effects;
  bool StrictExceptionOrder;
  /// Every variable with static storage of the translation unit by its
  /// resource path, built on first use.
  mutable std::vector<
      std::pair<std::vector<std::string>, const clang::VarDecl *>>
      Globals;
  mutable bool GlobalsBuilt = false;
  mutable std::map<std::vector<std::string>,
                   std::vector<const clang::VarDecl *>>
      ResourceCache;
};

} // namespace kara

#endif
