//===- LoopIndependence.h - Loops whose iterations are independent -*- C++
//-*-===//
//
// SPEC §4, issue 13 §1. A `for` loop (range-for, or a counted loop over an
// integer index) can run as kara::for_each / kara::for_each_index when every
// iteration's effects touch only what that iteration designates: the range's
// element (through the loop variable), `out[i]` for the loop's own index on a
// container the body touches in no other way, and the iteration's own locals;
// everything else it only reads. A body that is one `acc += e;` (`*=`,
// `acc = std::min(acc, e)`, `std::max`, `++acc`, also under one `if`
// without `else` for `+` and `*`) into a local of the function becomes
// kara::reduce_index / kara::reduce when `e` is independent in that sense and
// the accumulator is an integer (floating point only when allowed: the order
// of the additions changes the result).
//
// The answer is a structured value: the loop's shape, or the reasons it is
// kept (the check turns them into words).
//
//===----------------------------------------------------------------------===//
#ifndef KARA_ANALYSIS_LOOPINDEPENDENCE_H
#define KARA_ANALYSIS_LOOPINDEPENDENCE_H

#include "kara/Analysis/Dependence.h"

#include "clang/AST/StmtCXX.h"

#include <optional>
#include <vector>

namespace kara {

/// kara::par and the parallel loops of the runtime: calls whose lambda
/// arguments are planned already (the rewrite never plans them again).
bool isKaraParallelCall(const clang::FunctionDecl *Callee);

/// What a loop is, as far as the rewrite needs it.
struct LoopShape {
  enum class Kind {
    Range, ///< `for (decl : range)`
    Index, ///< `for (T i = first; i < last; ++i)` (or `!=`, `i++`, `+= 1`)
  };
  Kind ShapeKind = Kind::Index;
  const clang::Stmt *Loop = nullptr;
  const clang::Stmt *Body = nullptr;
  /// The element variable (Range) or the index (Index).
  const clang::VarDecl *Var = nullptr;
  /// Index: the initializer and the bound. Range: Range is the range.
  const clang::Expr *First = nullptr, *Last = nullptr, *Range = nullptr;

  enum class ReduceOp { None, Plus, Times, Min, Max };
  /// A reduction: the accumulator, the operation, the folded expression.
  ReduceOp Op = ReduceOp::None;
  const clang::VarDecl *Accumulator = nullptr;
  /// Null with Increment (`++acc`, `acc++`: the contribution is 1).
  const clang::Expr *Contribution = nullptr;
  bool Increment = false;
  /// `if (guard) acc += e;` (Plus and Times): the iteration contributes
  /// `e` when the guard holds and the operation's identity otherwise.
  const clang::Expr *Guard = nullptr;

  /// `continue` statements of this loop: each ends its iteration, so in the
  /// lambda it becomes `return`.
  std::vector<const clang::ContinueStmt *> Continues;

  bool isReduction() const { return Op != ReduceOp::None; }
};

/// Why a loop is kept as written.
struct LoopBlocker {
  enum class Kind {
    Macro,             ///< the loop is (partly) inside a macro expansion
    NotCounted,        ///< not `T i = a; i < b (or !=); ++i` over an integer
    StructuredBinding, ///< `for (auto [a, b] : r)`
    NotRandomAccess,   ///< the range is not one for_each can index
    UnspellableType,   ///< the element's type cannot be written down
    ControlFlow,       ///< break/return/goto/label/co_* (Construct), At
    IndexWritten,      ///< the body writes the index (At)
    BoundChanges,      ///< the bound is not loop-invariant (Effect or At)
    RangeUse,          ///< the body names the range itself (At)
    ContainerUse,      ///< Var is used otherwise than as Var[index] (At)
    AddressTaken,      ///< the address of an element (or part) is taken (At)
    OuterPointer,      ///< names a pointer/reference declared outside (Var)
    Unknown,           ///< unknown effects (Effect)
    IO,                ///< input/output: iterations would interleave it
    WritesShared,      ///< writes what no single iteration owns (Effect)
    CarriedDependence, ///< writes Var, declared outside, and reads it
    MayAlias,          ///< the container is a parameter's referent and the
                       ///< body reads another object that may be it (Effect)
    MayThrow,          ///< may throw and the loop writes observable state
    FloatReduction,    ///< floating point reduction (Var), option off
    BrokenContract,    ///< calls Callee, whose body exceeds its annotation
  };
  Kind BlockerKind = Kind::NotCounted;
  const clang::Stmt *At = nullptr;
  const clang::VarDecl *Var = nullptr;
  std::optional<Effect> E;
  const char *Construct = "";
  const clang::FunctionDecl *Callee = nullptr;
};

struct LoopVerdict {
  /// Calls a kara-annotated function or one whose effects are inferred from
  /// a visible body in the project (not a system header): the loops the
  /// check looks at and explains.
  bool Candidate = false;
  std::optional<LoopShape> Shape;
  /// Empty if the loop can be rewritten. At most one of each kind.
  std::vector<LoopBlocker> Blockers;

  bool independent() const { return Candidate && Shape && Blockers.empty(); }
};

class LoopAnalysis {
public:
  LoopAnalysis(EffectAnalysis &Effects, bool StrictExceptionOrder,
               bool FloatReductions)
      : Effects(Effects), StrictExceptionOrder(StrictExceptionOrder),
        FloatReductions(FloatReductions) {}

  /// `Loop` is a ForStmt or CXXForRangeStmt of Context's body; Scope says
  /// where an exception would go.
  LoopVerdict analyze(const clang::Stmt *Loop, const ThrowScope &Scope);

private:
  EffectAnalysis &Effects;
  bool StrictExceptionOrder;
  bool FloatReductions;
};

} // namespace kara

#endif
