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

#include <optional>
#include <string>
#include <vector>

namespace kara {

/// What one statement of a block does, for dependence.
struct StatementInfo {
  const clang::Stmt *S = nullptr;
  /// Effects with the enclosing function's locals kept; a declaration
  /// writes the variables it declares.
  EffectSet Effects;
  std::vector<EffectEntry> Entries;
  /// Variables this statement declares.
  std::vector<const clang::VarDecl *> Declares;
  /// True if it contains a call that is not noexcept, or a throw.
  bool MayThrow = false;
  /// Whether it calls a function carrying kara annotations (SPEC §4).
  bool CallsAnnotated = false;
  /// Why it can never be part of a run (control flow, macro, kind of
  /// statement); empty if it can.
  std::string Blocker;

  bool isCandidate() const { return CallsAnnotated && Blocker.empty(); }
  /// A write to anything but the variables it declares itself.
  std::optional<Effect> firstOutsideWrite() const;
};

/// Why a later statement must stay after an earlier one.
struct Dependence {
  unsigned Earlier = 0, Later = 0; // indices into the run
  enum class Kind {
    Conflict,
    Exception,
    ExceptionAfterWrite
  } DependenceKind = Kind::Conflict;
  /// Conflict: the earlier and later statement's conflicting effects.
  /// Exception: the earlier statement may throw; the write of the later
  /// statement (in LaterEffect).
  /// ExceptionAfterWrite: the later statement may throw; the write of the
  /// earlier statement (in EarlierEffect), which sequential code completes
  /// before the throw but a parallel block could skip (a deferred statement,
  /// or a branch not yet started when a sibling fails).
  std::optional<Effect> EarlierEffect, LaterEffect;
};

struct RunPlan {
  /// Chains of indices into the run, each in source order, ordered by their
  /// first statement.
  std::vector<std::vector<unsigned>> Chains;
  /// Statements that must follow the parallel block, in source order.
  std::vector<unsigned> Deferred;
  /// Every dependence found between statements of the run.
  std::vector<Dependence> Dependences;

  bool parallelizes() const { return Chains.size() >= 2; }
};

/// Variables that `Statements` only read and that a closure running them can
/// capture by copy without changing what they compute: locals or parameters
/// of arithmetic or enum, non-volatile type, declared outside the statements and not
/// among `Excluded`, whose every use loads the value (no assignment, address,
/// reference binding, nested lambda, unevaluated operand or constant use).
/// The copy is taken when the closure is made, so the caller must also know
/// that nothing writes them while the statements run (kara::par branches:
/// any such write is a dependence). Sorted by name.
std::vector<const clang::VarDecl *>
readOnlyScalarLocals(llvm::ArrayRef<const clang::Stmt *> Statements,
                     llvm::ArrayRef<const clang::VarDecl *> Excluded,
                     const clang::ASTContext &Context);

class DependenceAnalysis {
public:
  DependenceAnalysis(EffectAnalysis &Effects, bool StrictExceptionOrder)
      : Effects(Effects), StrictExceptionOrder(StrictExceptionOrder) {}

  StatementInfo describe(const clang::Stmt *S,
                         const clang::FunctionDecl *Context);

  /// The reason `Later` must stay after `Earlier`, if any.
  std::optional<Dependence> dependence(const StatementInfo &Earlier,
                                       const StatementInfo &Later) const;

  RunPlan plan(const std::vector<StatementInfo> &Run) const;

  /// Maximal runs of consecutive candidate statements (length >= 2) of a
  /// block, as index ranges [first, last] into `Statements`.
  static std::vector<std::pair<unsigned, unsigned>>
  candidateRuns(const std::vector<StatementInfo> &Statements);

private:
  EffectAnalysis &Effects;
  bool StrictExceptionOrder;
};

} // namespace kara

#endif
