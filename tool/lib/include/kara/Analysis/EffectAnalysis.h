//===- EffectAnalysis.h - Effect summaries of functions --------*- C++ -*-===//
//
// Computes what every function of a translation unit may read and write
// (SPEC §2): declared effects for annotated functions, database entries for
// library functions, and, for the rest, effects inferred from their bodies,
// transitively through calls (recursion included), with `this` and parameter
// effects mapped onto each call's arguments. Every effect remembers why it is
// there so that checks can print a note chain down to the access.
//
// It also answers whether a call or a statement may let an exception escape
// (SPEC §4), inferred the same way: noexcept, database entries with
// "nothrow": true, and visible bodies, transitively.
//
// The analysis is lazy: a function's summary is computed the first time it
// is asked for, together with everything it calls. It reports values and
// never emits diagnostics.
//
//===----------------------------------------------------------------------===//
#ifndef KARA_ANALYSIS_EFFECTANALYSIS_H
#define KARA_ANALYSIS_EFFECTANALYSIS_H

#include "kara/Analysis/Effect.h"
#include "kara/Analysis/EffectsDatabase.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kara {

/// A class with an overloaded `operator*` or `operator->` (smart pointers,
/// iterators): its objects point somewhere.
bool isPointerLikeClass(clang::QualType T);

/// `new T`, `malloc`/`calloc`/`aligned_alloc`, `std::make_unique`,
/// `std::make_shared`, `std::allocate_shared`, possibly cast or wrapped in a
/// smart pointer's construction: memory nobody else refers to yet.
bool isFreshAllocation(const clang::Expr *E);

/// True for a local pointer or std::unique_ptr/shared_ptr variable
/// initialised with a fresh allocation whose value never escapes its
/// function (issue 13 §3, docs/effects.md#owned-memory): the object it points
/// to is designated as the variable itself (`local 'p'`), also inside
/// lambdas that capture it by reference.
bool ownsFreshObject(const clang::VarDecl *V);

/// Why an effect is in a summary.
struct Reason {
  enum class Kind {
    Access,        ///< the body reads or writes the target directly
    Call,          ///< a call whose callee has the (unmapped) CalleeEffect
    Declared,      ///< the callee's kara annotations say so
    Database,      ///< an effects database entry says so
    ParameterType, ///< implied by a parameter's type (non-const reference...)
    NoDefinition,  ///< no body, no annotation, no database entry: unknown
    Indirect,      ///< a call through a pointer, std::function, or virtual
    InlineAsm,     ///< inline assembly: unknown
  };
  Kind ReasonKind = Kind::Access;
  clang::SourceLocation Loc;
  /// Call: the function called. Declared/Database/NoDefinition: the function
  /// the effect belongs to.
  const clang::FunctionDecl *Callee = nullptr;
  /// Call: the callee's effect before mapping onto the arguments.
  std::optional<Effect> CalleeEffect;
  /// Human-readable detail: what was accessed, the database file, ...
  std::string Detail;
  /// Database: the entry (its "trace" continues the chain in other units).
  const DatabaseEntry *Entry = nullptr;
};

struct EffectEntry {
  Effect E;
  Reason Why;
};

/// Where a function's effects come from.
enum class SummarySource { Declared, Database, Inferred, Builtin, Unknown };

struct FunctionSummary {
  SummarySource Source = SummarySource::Unknown;
  EffectSet Effects;
  /// One reason per effect of `Effects`.
  std::vector<EffectEntry> Entries;
  /// Database only: the entry's origin.
  std::string Origin;

  const Reason *reasonFor(const Effect &E) const;
};

class EffectAnalysis {
public:
  EffectAnalysis(clang::ASTContext &Ctx, const EffectsDatabase &DB);
  ~EffectAnalysis();

  /// The effects callers see when they call `FD`: its declared effects if
  /// annotated, widened by what its visible body does beyond them (a
  /// contract the tool can see is broken is not trusted); otherwise the
  /// database entry, or what its body does, transitively.
  const FunctionSummary &summaryOf(const clang::FunctionDecl *FD);

  /// The effects of `FD` under the contracts (SPEC §2): exactly the declared
  /// effects if annotated, callees taken at their contracts if inferred.
  /// What kara-effect-contract compares with.
  const FunctionSummary &contractSummaryOf(const clang::FunctionDecl *FD);

  /// The effects of `FD`'s body as written, ignoring its annotations, with
  /// callees at their contracts (what kara-effect-contract compares with
  /// the declared effects). Effects on FD's own locals are dropped. Empty
  /// without a body.
  FunctionSummary bodyEffects(const clang::FunctionDecl *FD);

  /// The effects of one statement that runs inside `Context`, with effects
  /// on Context's locals kept (for dependence between statements); callees
  /// as summaryOf sees them.
  /// `OwnObjects` are taken as local objects of their own (`local 'x'`)
  /// even if they are references: a loop's element, per iteration.
  std::vector<EffectEntry>
  statementEffects(const clang::Stmt *S, const clang::FunctionDecl *Context,
                   llvm::ArrayRef<const clang::VarDecl *> OwnObjects = {});

  /// The effects of FD's body that its kara annotations do not cover, in the
  /// order of `bodyEffects(FD).Entries` (what kara-effect-contract reports).
  /// Empty unless FD carries kara annotations and has a body here that is
  /// not a template pattern. In a constructor, effects on the object under
  /// construction are never undeclared (callers cannot observe them).
  std::vector<EffectEntry> undeclaredEffects(const clang::FunctionDecl *FD);

  /// FD carries kara annotations, its body is visible here, and the body's
  /// effects exceed the declared ones (what kara-effect-contract would
  /// report). The rewrite never reorders calls on a contract the tool can
  /// see is broken.
  bool contractBroken(const clang::FunctionDecl *FD);

  /// Whether a call to FD may let an exception escape (SPEC §4): false for
  /// noexcept (non-dependent, evaluated), for a database entry with
  /// "nothrow": true, and for a visible body that throws nothing and calls
  /// only non-throwing functions, transitively (recursion included: optimistic
  /// fixpoint like the effect summaries). Unknown callees, virtual /
  /// indirect calls without a noexcept type may throw. A database entry is
  /// the authority for the functions it matches: without "nothrow" they may
  /// throw (unless declared noexcept), whatever their visible body does.
  /// The replaceable global `operator new` (not the nothrow forms) throws
  /// only when allocation may throw.
  bool mayThrow(const clang::FunctionDecl *FD);
  /// Whether evaluating S (a statement of Context's body) may throw:
  /// throw-expressions, calls (incl. implicit constructor/destructor/
  /// conversion/operator calls) to functions that mayThrow, new-expressions
  /// and allocating library calls while allocation may throw, dynamic_cast
  /// to a reference, typeid of a polymorphic glvalue. A try/catch(...)
  /// inside S that catches everything makes its try-block non-throwing; a
  /// handler for std::exception or std::bad_alloc catches allocation
  /// failure. Unevaluated operands and lambda bodies do not count.
  bool mayThrow(const clang::Stmt *S, const clang::FunctionDecl *Context);
  /// SPEC §4 kara-parallelize.AllocationMayThrow (default true). With false,
  /// allocation failure (std::bad_alloc from `new`) is treated as fatal.
  void setAllocationMayThrow(bool MayThrow) { AllocationMayThrow = MayThrow; }
  bool allocationMayThrow() const { return AllocationMayThrow; }

  /// kara.ClosedHierarchies (issue 13 §2, default false): the class
  /// hierarchies of the translation unit are closed, so that an unannotated
  /// virtual call has the effects of the overriders visible here.
  void setClosedHierarchies(bool Closed) { ClosedHierarchies = Closed; }
  bool closedHierarchies() const { return ClosedHierarchies; }

  /// The functions a virtual call of the unannotated MD may run, if every
  /// one of them is visible in this translation unit: MD (unless pure) and
  /// every method overriding it, directly or not. Known when MD's class has
  /// internal linkage (no other unit can derive from it) or with
  /// kara.ClosedHierarchies; nullopt otherwise.
  std::optional<std::vector<const clang::CXXMethodDecl *>>
  visibleOverriders(const clang::CXXMethodDecl *MD);

  /// For an override with kara annotations of its own: the effects of its
  /// contract that the contract of an overridden annotated method does not
  /// cover (calls through the base rely on the base's contract), with that
  /// method. Empty for other functions.
  std::vector<std::pair<Effect, const clang::CXXMethodDecl *>>
  exceedsOverriddenContract(const clang::FunctionDecl *FD);

  /// Effects implied by the parameter types of `FD` (SPEC §2).
  static EffectSet parameterTypeEffects(const clang::FunctionDecl *FD);

  /// `ns::Class::method`: no template arguments, no inline namespaces; the
  /// key of the effects database.
  static std::string databaseName(const clang::NamedDecl *D);

  /// Every function defined in the translation unit, template instantiations
  /// included, templates' patterns and implicit members not: what the
  /// drivers summarise.
  static std::vector<const clang::FunctionDecl *>
  definedFunctions(clang::ASTContext &Ctx);

  /// How an effects database spells a target in "reads"/"writes": a
  /// resource's name, `this`, `$N` (members dropped: coarser is sound);
  /// nullopt for locals and unknown.
  static std::optional<std::string> databaseSpelling(const Target &T);

  /// A short description of a function for notes: `'ns::f'`.
  static std::string displayName(const clang::FunctionDecl *FD);

  const EffectsDatabase &database() const { return DB; }

  /// Summaries of functions defined in other translation units (written by
  /// kara-summarize); consulted for functions without a body here.
  void setSummaryDatabase(const EffectsDatabase *S) { Summaries = S; }
  clang::ASTContext &context() const { return Ctx; }

  //===--------------------------------------------------------------------===//
  // Symbolic bodies: what kara-summarize --map writes per unit (SPEC §7).
  //===--------------------------------------------------------------------===//

  /// A call kept as a reference for the link step: the callee's effects are
  /// mapped onto `This` and `Args` (targets of the caller; null where the
  /// argument designates nothing callers see) once they are known.
  struct SymbolicCall {
    const clang::FunctionDecl *Callee = nullptr; // canonical
    bool HasThis = false;
    std::optional<Target> This;
    std::vector<std::optional<Target>> Args;
    clang::SourceLocation Loc; // of the call, for note chains across units
  };
  struct SymbolicBody {
    /// What the body does itself, with calls to non-linked callees
    /// (contracts, database entries, builtins, `Linkable` false) resolved as
    /// summaryOf sees them; effects on FD's own locals dropped. One entry
    /// per effect (normalised like an EffectSet), with the first access or
    /// call that brings it.
    std::vector<EffectEntry> Effects;
    std::vector<SymbolicCall> Calls;
    /// FD is an annotated constructor: its body's effects on `this` (its
    /// own and those calls bring) are the object under construction's, not
    /// observable; `Effects` has none, the link step drops the calls' ones.
    bool DropThisFromCalls = false;
  };
  /// FD's body (FD has one here) in observed view with the calls to
  /// functions whose summary would be inferred or unknown (no contract, no
  /// database entry, or a checkable contract) and that `Linkable` accepts
  /// kept symbolic. Indirect calls are unknown effects.
  SymbolicBody
  symbolicBody(const clang::FunctionDecl *FD,
               llvm::function_ref<bool(const clang::FunctionDecl *)> Linkable);
  /// How a callee's effect target maps into the caller at one call whose
  /// object is `This` (if HasThis) and arguments `Args` (null where they
  /// designate nothing callers see): resources and unknown stay, `this` and
  /// parameters become the object and arguments with the callee's member
  /// path (cut at the analysis's depth); `Local` maps locals of other
  /// functions. nullopt: nothing the caller sees. The analysis and the link
  /// step of kara-summarize map alike through it.
  static std::optional<Target> mapCalleeTarget(
      const Target &T, bool HasThis, const std::optional<Target> &This,
      llvm::ArrayRef<std::optional<Target>> Args,
      llvm::function_ref<std::optional<Target>(const Target &)> Local);
  /// Target::member applied along `Members`, cut at the depth the analysis
  /// uses (coarser is sound).
  static Target withMemberPath(Target Base,
                               const std::vector<std::string> &Members);

  /// The target of local variable V (kept by statement-level analyses).
  /// It is marked NoAlias when nothing but V's name can reach V: a
  /// non-volatile scalar local or by-value parameter whose every use in its
  /// function (lambdas included) loads it, assigns or increments it (a
  /// builtin operator whose result is used the same way), is unevaluated,
  /// or is a lambda capture. No stored pointer or reference (a Referent)
  /// can then be V.
  Target localTarget(const clang::VarDecl *V);
  bool isUnaliasedLocal(const clang::VarDecl *V);

  struct LocalInfo; // what one body does, before callee summaries are known
  /// What may escape from a call or a statement: nothing, only allocation
  /// failure (std::bad_alloc), or any exception.
  enum class ThrowKind : unsigned char { None, Allocation, Any };
  struct ThrowInfo; // what one body may throw, before callees are known

private:
  llvm::DenseMap<const clang::VarDecl *, bool> UnaliasedCache;
  /// Contract: annotated functions are their annotations. Observed: their
  /// annotations and what their visible bodies do beyond them.
  enum class View : unsigned char { Contract, Observed };
  const LocalInfo &localInfo(const clang::FunctionDecl *Def);
  FunctionSummary combine(const clang::FunctionDecl *Def, const LocalInfo &Info,
                          bool DropOwnLocals, View V);
  const FunctionSummary &summaryIn(View V, const clang::FunctionDecl *FD);
  std::optional<FunctionSummary>
  nonInferredSummary(const clang::FunctionDecl *FD);
  void inferComponent(const clang::FunctionDecl *Root, View V);
  ThrowKind throwKind(const clang::FunctionDecl *FD);
  std::optional<ThrowKind> nonInferredThrowKind(const clang::FunctionDecl *FD);
  const ThrowInfo &throwInfo(const clang::FunctionDecl *FD);
  ThrowKind evaluate(const ThrowInfo &Info);
  void inferThrowComponent(const clang::FunctionDecl *Root);
  bool mayThrow(ThrowKind K) const {
    return K == ThrowKind::Any ||
           (K == ThrowKind::Allocation && AllocationMayThrow);
  }

  clang::ASTContext &Ctx;
  const EffectsDatabase &DB;
  const EffectsDatabase *Summaries = nullptr;
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<LocalInfo>>
      LocalInfos;
  // Node-based: callers keep references to summaries while more are added.
  std::unordered_map<const clang::FunctionDecl *, FunctionSummary> Final[2];
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<ThrowInfo>>
      ThrowInfos;
  llvm::DenseMap<const clang::FunctionDecl *, ThrowKind> ThrowKinds;
  llvm::DenseMap<const clang::FunctionDecl *, bool> BrokenContracts;
  bool AllocationMayThrow = true;
  bool ClosedHierarchies = false;
  /// Every method of the unit, by the canonical methods it overrides;
  /// built on first use.
  std::optional<llvm::DenseMap<const clang::CXXMethodDecl *,
                               std::vector<const clang::CXXMethodDecl *>>>
      OverriderIndex;
};

} // namespace kara

#endif
