//===- AnnotationCheck.cpp - kara-annotation ------------------------------===//

#include "AnnotationCheck.h"

#include "kara/Analysis/Annotations.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace kara {

namespace {
AST_MATCHER(Decl, hasKaraAttribute) { return !karaAttributesOf(&Node).empty(); }
} // namespace

void AnnotationCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(decl(hasKaraAttribute()).bind("decl"), this);
}

void AnnotationCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *D = Result.Nodes.getNodeAs<Decl>("decl");
  const auto *FD = dyn_cast<FunctionDecl>(D);
  // Instantiations repeat the attributes of their pattern.
  if (FD && FD->isTemplateInstantiation())
    return;
  const SourceManager &SM = *Result.SourceManager;
  std::vector<KaraAttribute> Attributes = karaAttributesOf(D);

  const KaraAttribute *Pure = nullptr, *Effectful = nullptr;
  for (const KaraAttribute &A : Attributes) {
    if (A.AttrKind == KaraAttribute::Kind::Malformed) {
      diag(A.Range.getEnd(), "malformed [[%0]]: %1")
          << A.MalformedName << A.MalformedReason;
      continue;
    }
    if (A.AttrKind == KaraAttribute::Kind::Pure)
      Pure = &A;
    if (A.AttrKind != KaraAttribute::Kind::Reads &&
        A.AttrKind != KaraAttribute::Kind::Writes)
      continue;
    Effectful = &A;
    if (!FD)
      continue; // Sema already warns that the attribute does not apply
    // Where the attribute is written: its macro use, if it comes from one.
    CharSourceRange Written = SM.getExpansionRange(A.Range);
    for (const auto &[Text, ArgLoc] : A.Arguments) {
      ResolvedArgument R = resolveArgument(FD, Text);
      if (R.Problem.empty())
        continue;
      // An argument written inside a macro definition serves every use of
      // the macro: report it at this use and point at the definition, and
      // never rewrite the definition.
      bool InDefinition =
          ArgLoc.isFileID() && A.Range.getBegin().isMacroID() &&
          !SM.isPointWithin(ArgLoc, Written.getBegin(), Written.getEnd());
      SourceLocation Loc = InDefinition ? Written.getBegin() : ArgLoc;
      if (R.Suggestion.empty()) {
        diag(Loc, "in [[%0]]: %1") << A.spelling() << R.Problem;
      } else {
        auto Diag = diag(Loc, "in [[%0]]: %1; did you mean '%2'? (a name "
                              "that is not a parameter is a global resource)")
                    << A.spelling() << R.Problem << R.Suggestion;
        // Offer the fix only where the argument is written as one token.
        if (!InDefinition && Loc.isFileID()) {
          SourceLocation End =
              Lexer::getLocForEndOfToken(Loc, 0, SM, getLangOpts());
          StringRef Spelled = Lexer::getSourceText(
              CharSourceRange::getCharRange(Loc, End), SM, getLangOpts());
          if (Spelled == Text)
            Diag << FixItHint::CreateReplacement(
                CharSourceRange::getCharRange(Loc, End), R.Suggestion);
        }
      }
      if (InDefinition)
        diag(ArgLoc, "'%0' is written in this macro definition",
             DiagnosticIDs::Note)
            << Text;
    }
  }
  if (Pure && Effectful) {
    diag(Pure->Range.getEnd(),
         "[[kara::pure]] contradicts [[%0]] on the same declaration")
        << Effectful->spelling();
    diag(Effectful->Range.getEnd(), "%0 is here", DiagnosticIDs::Note)
        << Effectful->spelling();
  }
}

} // namespace kara
