//===- ParallelizeCheck.h - kara-parallelize --------------------*- C++ -*-===//
//
// Finds runs of independent statements that call kara-annotated functions
// and rewrites them into one kara::par(...) (SPEC §4).
// docs/checks/kara-parallelize.md
//
//===----------------------------------------------------------------------===//
#ifndef KARA_CHECKS_PARALLELIZECHECK_H
#define KARA_CHECKS_PARALLELIZECHECK_H

#include "KaraCheckContext.h"

#include "kara/Analysis/Dependence.h"
#include "kara/Analysis/LoopIndependence.h"

#include "clang-tidy/utils/IncludeInserter.h"

#include <map>
#include <optional>
#include <set>

namespace kara {

/// Why a run (or part of one) is not rewritten: a structured value that
/// ParallelizeCheck turns into words in one place (missedReasonText).
struct MissedReason {
  enum class Kind {
    NotIndependent,       ///< the plan has fewer than two chains
    ObservableDestructor, ///< Var's type has a user-provided destructor
    ReferenceInit,        ///< not an lvalue reference initialised with '='
    TemporaryLifetime,    ///< Var extends the lifetime of a temporary
    UnspellableType,      ///< Var's type could not be spelt
    ArrayOrFunction,      ///< arrays and function pointers cannot be returned
    StructuredBinding,    ///< a structured binding would be returned
    DecltypeAuto,         ///< decltype(auto) declaration
    AutoDirectInit,       ///< `auto x(f());`, `auto x{f()};`
    NotMovable,           ///< Var's type can be neither copied nor moved
    Declarators,          ///< Var shares its declaration with others and
                          ///< cannot be declared on its own after the par
    MacroStatement,       ///< a statement is inside a macro expansion
    StatementEnd,         ///< a statement's end could not be found
    SourceText,           ///< a statement's text could not be read
    SharedLine,           ///< another statement shares a line
    NotComments,          ///< something other than comments between them
    TemplateDisagree,     ///< the instantiations plan different rewrites
    BrokenContract,       ///< Callee's body exceeds its annotation
  };
  Kind ReasonKind = Kind::NotIndependent;
  /// The statement the reason is about (diagnostic location); may be null.
  const clang::Stmt *At = nullptr;
  const clang::VarDecl *Var = nullptr;
  const clang::FunctionDecl *Callee = nullptr;
  /// ObservableDestructor: the class; NotMovable: the type as written.
  std::string TypeName;
};

/// `reads(UserDB)`, `writes variable 'x'`, ... for notes.
std::string effectPhrase(const Effect &E);

class ParallelizeCheck : public KaraCheckBase {
public:
  ParallelizeCheck(llvm::StringRef Name,
                   clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerPPCallbacks(const clang::SourceManager &SM,
                           clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

  /// A loop of the function being planned, with where it runs.
  struct LoopSite {
    const clang::Stmt *Loop;
    const clang::FunctionDecl *Context;
    const clang::Stmt *TryBlock;
  };

private:
  /// A rewrite of one run: the replaced range, its text, and what the
  /// diagnostic says.
  struct Rewrite {
    clang::SourceLocation Begin, End, DiagLoc;
    std::string Text;
    unsigned Statements = 0, Branches = 0;
    bool operator==(const Rewrite &O) const {
      return Begin == O.Begin && End == O.End && Text == O.Text;
    }
  };
  /// The one decision about a run: its plan, and either the rewrite or the
  /// reason there is none. The fix-it, the explanation and what a second
  /// run sees all come from it.
  struct Decision {
    std::vector<StatementInfo> Run;
    RunPlan Plan;
    std::optional<Rewrite> Fix;
    std::optional<MissedReason> Missed;
  };
  /// Decides every run of one block.
  std::vector<Decision> planBlock(const clang::CompoundStmt *Block,
                                  const clang::FunctionDecl *Context,
                                  const clang::Stmt *TryBlock,
                                  DependenceAnalysis &Deps,
                                  const clang::SourceManager &SM,
                                  bool Instantiation);
  Decision decideRun(std::vector<StatementInfo> Run,
                     const clang::CompoundStmt *Block, unsigned RunEnd,
                     const ThrowScope &Scope, DependenceAnalysis &Deps,
                     const clang::SourceManager &SM, bool Instantiation);
  /// Emits what a decision says: the fix-it, or with ExplainMissed why not.
  void report(const Decision &D, const clang::SourceManager &SM);
  void emit(const Rewrite &R, const clang::SourceManager &SM);
  void onEndOfTranslationUnit() override;

  /// Loops (ParallelizeLoops.cpp): outermost first; a loop inside a
  /// rewritten one is left alone, and so are the blocks inside it.
  void planLoops(const std::vector<LoopSite> &Loops,
                 const clang::SourceManager &SM, bool Instantiation);
  /// One loop's decision: the fix-it, or the explanation (warning location
  /// and notes) of why there is none.
  struct LoopDecision {
    clang::SourceLocation Loc;
    struct Fix {
      clang::SourceLocation Begin, End;
      std::string Text;
      const char *Primitive;
    };
    std::optional<Fix> Rewrite;
    std::vector<std::pair<clang::SourceLocation, std::string>> Notes;
  };
  void reportLoop(const LoopDecision &D, const clang::SourceManager &SM);
  /// Templates: what each instantiation decides about a loop (by location);
  /// the loop is rewritten only if every instantiation renders one text.
  std::map<unsigned, std::vector<LoopDecision>> TemplateLoops;
  /// Generic lambdas given to kara::par or a parallel loop (a template's
  /// loop rewritten with `auto &x`): planned already, like the others.
  std::set<const clang::CXXRecordDecl *> ParLambdas;
  /// Ranges of the loops rewritten in the current function.
  std::vector<clang::SourceRange> LoopRewrites;
  bool FloatReductions;
  void explainDependences(const std::vector<StatementInfo> &Run,
                          const RunPlan &Plan, bool OnlyDeferred,
                          const clang::SourceManager &SM);

  /// Templates: the decisions each instantiation of a block makes. A block
  /// is rewritten only if every instantiation agrees.
  struct TemplateBlock {
    std::vector<std::vector<Decision>> PerInstantiation;
  };
  std::map<unsigned, TemplateBlock> TemplateBlocks; // by block location
  const clang::SourceManager *EndSM = nullptr;

  bool StrictExceptionOrder;
  bool ExplainMissed;
  bool AllocationMayThrow;
  clang::tidy::utils::IncludeInserter Inserter;
  const clang::ASTContext *CurrentAST = nullptr;
  /// Locals of the function being planned that may have an alias.
  std::vector<const clang::VarDecl *> Aliased;
  /// Names declared in the function being planned (fresh names avoid them).
  std::set<std::string> FunctionNames;
  /// Ranges replaced by rewrites decided in the current function: a
  /// statement containing one is not moved (blocks are planned innermost
  /// first).
  std::vector<clang::SourceRange> Rewritten;
};

} // namespace kara

#endif
