//===- ParallelizeLoops.cpp - kara-parallelize: independent loops ---------===//
//
// Loops whose iterations are independent (LoopIndependence.h) become
// kara::for_each, kara::for_each_index, kara::reduce or kara::reduce_index.
// The analysis decides; this file turns its verdict into the fix-it or,
// with ExplainMissed, into one note per reason.
// docs/checks/kara-parallelize.md#loops
//
//===----------------------------------------------------------------------===//

#include "ParallelizeCheck.h"

#include "clang/AST/ASTContext.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace kara {

namespace {

std::string varText(const VarDecl *V) {
  return V ? "'" + V->getNameAsString() + "'" : std::string("a variable");
}

/// The one place where loop blockers become words.
std::string blockerText(const LoopBlocker &B) {
  using K = LoopBlocker::Kind;
  std::string Effect = B.E ? effectPhrase(*B.E) : std::string("has effects");
  switch (B.BlockerKind) {
  case K::Macro:
    return "the loop is inside a macro expansion";
  case K::NotCounted:
    return "only range-for loops and counted loops 'for (T i = first; i < "
           "last; ++i)' over an integer index (without an init-statement in "
           "a range-for) are rewritten";
  case K::StructuredBinding:
    return "a structured binding as the loop variable is not rewritten";
  case K::NotRandomAccess:
    return "kara::for_each splits only random-access ranges it owns or views "
           "(vector except vector<bool>, array, deque, string, span, C "
           "array)";
  case K::UnspellableType:
    return "the type of the loop variable " + varText(B.Var) +
           " cannot be written as a lambda parameter";
  case K::ControlFlow:
    return std::string("'") + B.Construct +
           "' leaves the loop: a parallel loop runs every iteration";
  case K::IndexWritten:
    return "the body writes the index " + varText(B.Var);
  case K::BoundChanges:
    return "the bound is evaluated once by kara::for_each_index, but it may "
           "change: " +
           Effect;
  case K::RangeUse:
    return "the body uses the range " + varText(B.Var) +
           " itself, not only its element";
  case K::ContainerUse:
    return varText(B.Var) +
           " is used otherwise than at the loop's own index (another "
           "iteration's element, or a call that may reallocate it)";
  case K::AddressTaken:
    return "the address of an element of " + varText(B.Var) +
           " is taken: through it another iteration's element could be "
           "reached";
  case K::OuterPointer:
    return "the body uses " + varText(B.Var) +
           ", a pointer, reference, view or closure declared outside the loop, "
           "which every iteration shares";
  case K::Unknown:
    if (B.E && B.E->On.isReferent())
      return "the body " + Effect + ", which may be any iteration's object";
    return "the body has unknown effects";
  case K::IO:
    return "the body does input/output (" + Effect +
           "): parallel iterations would interleave it";
  case K::WritesShared:
    return "the body " + Effect + ", which every iteration shares";
  case K::CarriedDependence:
    return "the body writes " + varText(B.Var) +
           ", declared outside the loop, and reads it: a dependence carried "
           "from one iteration to the next";
  case K::MayAlias:
    return "the loop writes the elements of a container it does not own, "
           "and the body " +
           Effect + ", which may be or contain that container";
  case K::MayThrow:
    return "the body may throw: iterations after the one that throws would "
           "have written what the sequential loop never writes "
           "(kara-parallelize.StrictExceptionOrder)";
  case K::FloatReduction:
    return varText(B.Var) +
           " is a floating-point accumulator: a parallel reduction adds in "
           "another order, which may change the result "
           "(kara-parallelize.FloatReductions)";
  case K::BrokenContract:
    return "it calls " +
           (B.Callee ? EffectAnalysis::displayName(B.Callee)
                     : std::string("a function")) +
           ", whose body exceeds its kara annotation (kara-effect-contract)";
  }
  return "";
}

/// Renders a loop the analysis proved independent; nullopt if its text
/// cannot be read (the loop is then left alone).
class LoopRenderer {
public:
  /// In a template instantiation (`Written`), variables' types are spelt
  /// as the source writes them (`T`, `auto &`), so that every instantiation
  /// renders the text the template's source needs.
  LoopRenderer(const SourceManager &SM, const ASTContext &Ctx, bool Written)
      : SM(SM), LO(Ctx.getLangOpts()), Policy(Ctx.getPrintingPolicy()),
        Written(Written) {
    Policy.SuppressTagKeyword = true;
  }

  struct Result {
    SourceLocation Begin, End;
    std::string Text;
    const char *Primitive;
  };

  std::optional<Result> render(const LoopShape &S) {
    Result R;
    R.Begin = S.Loop->getBeginLoc();
    std::optional<std::string> Param = paramText(S.Var);
    if (!Param || R.Begin.isMacroID())
      return std::nullopt;
    std::string Head;
    if (S.ShapeKind == LoopShape::Kind::Index) {
      std::optional<std::string> First = text(S.First), Last = text(S.Last);
      if (!First || !Last)
        return std::nullopt;
      std::optional<std::string> IT = declaredType(S.Var);
      if (!IT)
        return std::nullopt;
      Head = "<" + *IT + ">(" + *First + ", " + *Last;
    } else {
      std::optional<std::string> Range = text(S.Range);
      if (!Range)
        return std::nullopt;
      Head = "(" + *Range;
    }
    bool Index = S.ShapeKind == LoopShape::Kind::Index;
    if (S.isReduction()) {
      std::optional<std::string> Contribution =
          S.Increment ? std::optional<std::string>("1") : text(S.Contribution);
      std::optional<SourceLocation> End = statementEnd(S.Body);
      if (!Contribution || !End)
        return std::nullopt;
      if (S.Guard) {
        // The identity where the guard fails: 0 for +, 1 for *.
        std::optional<std::string> G = text(S.Guard);
        if (!G)
          return std::nullopt;
        Contribution = "(" + *G + ") ? (" + *Contribution + ") : " +
                       (S.Op == LoopShape::ReduceOp::Times ? "1" : "0");
      }
      std::optional<std::string> AT = declaredType(S.Accumulator);
      if (!AT)
        return std::nullopt;
      std::string A = *AT;
      std::string Acc = S.Accumulator->getNameAsString();
      const char *Op = "l + r";
      switch (S.Op) {
      case LoopShape::ReduceOp::Times:
        Op = "l * r";
        break;
      case LoopShape::ReduceOp::Min:
        Op = "std::min(l, r)";
        break;
      case LoopShape::ReduceOp::Max:
        Op = "std::max(l, r)";
        break;
      default:
        break;
      }
      R.Primitive = Index ? "kara::reduce_index" : "kara::reduce";
      std::string Indent = "\n" + indentOf(R.Begin) + "    ";
      R.Text = Acc + " = " + R.Primitive + Head.substr(0, Head.find('(') + 1) +
               Indent + Head.substr(Head.find('(') + 1) + ", " + Acc + "," +
               Indent + "[](" + A + " l, " + A + " r) -> " + A + " { return " +
               Op + "; }," + Indent + "[&](" + *Param + ") -> " + A +
               " { return " + *Contribution + "; });";
      R.End = *End;
      return R;
    }
    R.Primitive = Index ? "kara::for_each_index" : "kara::for_each";
    std::optional<std::string> Body = bodyText(S, R.End);
    if (!Body)
      return std::nullopt;
    R.Text = std::string(R.Primitive) + Head + ", [&](" + *Param + ") " +
             *Body + ");";
    return R;
  }

private:
  std::string typeText(QualType T) const { return T.getAsString(Policy); }

  /// The declared type of an index or accumulator, unqualified: what the
  /// source writes in an instantiation unless that is `auto` (deduced the
  /// same in every instantiation, or they disagree).
  std::optional<std::string> declaredType(const VarDecl *V) const {
    QualType T = V->getType().getUnqualifiedType();
    if (Written) {
      std::optional<std::string> W = writtenBefore(V);
      if (W && W->find("auto") == std::string::npos &&
          W->find("const") == std::string::npos)
        return W;
      if (T->isDependentType())
        return std::nullopt;
    }
    return typeText(T);
  }

  /// The source text from a declaration's start to its name, trimmed;
  /// nullopt unless it is only a type (one declarator, no specifiers).
  std::optional<std::string> writtenBefore(const VarDecl *V) const {
    SourceLocation B = V->getBeginLoc(), N = V->getLocation();
    if (B.isMacroID() || N.isMacroID())
      return std::nullopt;
    bool Invalid = false;
    StringRef T = Lexer::getSourceText(CharSourceRange::getCharRange(B, N), SM,
                                       LO, &Invalid);
    T = T.trim();
    if (Invalid || T.empty() || T.find_first_of(",=;({") != StringRef::npos ||
        T.contains("static") || T.contains("register") ||
        T.contains("thread_local") || T.contains("volatile"))
      return std::nullopt;
    return T.str();
  }

  std::optional<std::string> paramText(const VarDecl *V) const {
    if (Written) {
      // `auto &s` stays `auto &s` (a generic lambda the check does not plan
      // again); `T &s` stays `T &s`.
      std::optional<std::string> W = writtenBefore(V);
      if (!W)
        return std::nullopt;
      if (!W->empty() && (W->back() == '&' || W->back() == '*'))
        return *W + V->getNameAsString();
      return *W + " " + V->getNameAsString();
    }
    QualType T = V->getType();
    if (T->isDependentType() || T->isUndeducedType())
      return std::nullopt;
    std::string Type = typeText(T);
    if (Type.find("(lambda") != std::string::npos ||
        Type.find("(unnamed") != std::string::npos ||
        Type.find("(anonymous") != std::string::npos)
      return std::nullopt;
    if (!Type.empty() && (Type.back() == '&' || Type.back() == '*'))
      return Type + V->getNameAsString();
    return Type + " " + V->getNameAsString();
  }

  std::optional<std::string> text(const Stmt *S) const {
    CharSourceRange R = CharSourceRange::getTokenRange(S->getSourceRange());
    R = Lexer::makeFileCharRange(R, SM, LO);
    if (R.isInvalid())
      return std::nullopt;
    bool Invalid = false;
    StringRef T = Lexer::getSourceText(R, SM, LO, &Invalid);
    if (Invalid)
      return std::nullopt;
    return T.str();
  }

  /// Just after a statement, its semicolon included.
  std::optional<SourceLocation> statementEnd(const Stmt *S) const {
    if (const auto *CS = dyn_cast<CompoundStmt>(S))
      return CS->getRBracLoc().getLocWithOffset(1);
    SourceLocation End = S->getEndLoc();
    if (End.isMacroID())
      return std::nullopt;
    SourceLocation AfterSemi =
        Lexer::findLocationAfterToken(End, tok::semi, SM, LO, false);
    if (AfterSemi.isValid())
      return AfterSemi;
    return Lexer::getLocForEndOfToken(End, 0, SM, LO);
  }

  std::string indentOf(SourceLocation L) const {
    unsigned Col = SM.getSpellingColumnNumber(L);
    return std::string(Col > 0 ? Col - 1 : 0, ' ');
  }

  /// The body as a lambda body; `continue` of this loop becomes `return`.
  std::optional<std::string> bodyText(const LoopShape &S,
                                      SourceLocation &End) const {
    std::optional<SourceLocation> E = statementEnd(S.Body);
    if (!E || S.Body->getBeginLoc().isMacroID())
      return std::nullopt;
    End = *E;
    SourceLocation B = S.Body->getBeginLoc();
    bool Invalid = false;
    StringRef Raw = Lexer::getSourceText(CharSourceRange::getCharRange(B, End),
                                         SM, LO, &Invalid);
    if (Invalid)
      return std::nullopt;
    std::string Body = Raw.str();
    unsigned Base = SM.getFileOffset(B);
    std::vector<const ContinueStmt *> Continues = S.Continues;
    llvm::sort(Continues, [&](const ContinueStmt *X, const ContinueStmt *Y) {
      return SM.getFileOffset(X->getBeginLoc()) >
             SM.getFileOffset(Y->getBeginLoc());
    });
    for (const ContinueStmt *C : Continues) {
      unsigned Off = SM.getFileOffset(C->getBeginLoc()) - Base;
      if (Off + 8 > Body.size() || Body.compare(Off, 8, "continue") != 0)
        return std::nullopt;
      Body.replace(Off, 8, "return");
    }
    if (isa<CompoundStmt>(S.Body))
      return Body;
    std::string LoopIndent = indentOf(S.Loop->getBeginLoc());
    if (SM.getSpellingLineNumber(B) ==
        SM.getSpellingLineNumber(S.Loop->getBeginLoc()))
      return "{ " + Body + " }";
    return "{\n" + indentOf(B) + Body + "\n" + LoopIndent + "}";
  }

  const SourceManager &SM;
  const LangOptions &LO;
  PrintingPolicy Policy;
  bool Written;
};

} // namespace

void ParallelizeCheck::planLoops(const std::vector<LoopSite> &Loops,
                                 const SourceManager &SM, bool Instantiation) {
  EffectAnalysis &Effects = analysis(const_cast<ASTContext &>(*CurrentAST));
  LoopAnalysis Analysis(Effects, StrictExceptionOrder, FloatReductions);
  LoopRenderer Renderer(SM, *CurrentAST, Instantiation);
  // Pre-order: enclosing loops come first.
  for (const LoopSite &Site : Loops) {
    SourceLocation L = Site.Loop->getBeginLoc();
    if (llvm::any_of(LoopRewrites, [&](SourceRange R) {
          return !SM.isBeforeInTranslationUnit(L, R.getBegin()) &&
                 SM.isBeforeInTranslationUnit(L, R.getEnd());
        }))
      continue;
    LoopVerdict V = Analysis.analyze(Site.Loop, {Site.Context, Site.TryBlock});
    LoopDecision D;
    D.Loc = L;
    if (!V.Candidate) {
      // An instantiation that calls nothing the analysis knows about was
      // not analysed: it cannot agree to a template's rewrite.
      if (Instantiation)
        TemplateLoops[L.getRawEncoding()].push_back(std::move(D));
      continue;
    }
    std::optional<LoopRenderer::Result> R;
    if (V.independent())
      R = Renderer.render(*V.Shape);
    if (!R) {
      if (V.independent()) {
        LoopBlocker B;
        B.BlockerKind = LoopBlocker::Kind::UnspellableType;
        B.Var = V.Shape->Var;
        V.Blockers.push_back(B);
      }
      for (const LoopBlocker &B : V.Blockers)
        D.Notes.push_back({B.At ? B.At->getBeginLoc() : L, blockerText(B)});
    } else {
      D.Rewrite = LoopDecision::Fix{R->Begin, R->End, R->Text, R->Primitive};
      LoopRewrites.emplace_back(R->Begin, R->End);
      Rewritten.emplace_back(R->Begin, R->End);
    }
    if (Instantiation)
      TemplateLoops[L.getRawEncoding()].push_back(std::move(D));
    else
      reportLoop(D, SM);
  }
}

void ParallelizeCheck::reportLoop(const LoopDecision &D,
                                  const SourceManager &SM) {
  if (!D.Rewrite) {
    if (!ExplainMissed || D.Notes.empty())
      return;
    diag(D.Loc, "loop calling kara-annotated functions was not parallelized");
    for (const auto &[Loc, Text] : D.Notes)
      diag(Loc, "%0", DiagnosticIDs::Note) << Text;
    return;
  }
  auto Diag = diag(D.Loc, "the iterations of this loop are independent: it "
                          "can run as %0")
              << D.Rewrite->Primitive;
  Diag << FixItHint::CreateReplacement(
      CharSourceRange::getCharRange(D.Rewrite->Begin, D.Rewrite->End),
      D.Rewrite->Text);
  if (std::optional<FixItHint> Include = Inserter.createIncludeInsertion(
          SM.getFileID(D.Rewrite->Begin), "<kara/runtime.hpp>"))
    Diag << *Include;
}

} // namespace kara
