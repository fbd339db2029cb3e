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

constexpr llvm::StringLiteral KaraAttributeNames[] = {"reads", "writes", "pure",
                                                      "sendable"};
} // namespace

void AnnotationCheck::registerPPCallbacks(const SourceManager &SM,
                                          Preprocessor *, Preprocessor *) {
  MainSM = &SM;
}

// At the end of the unit rather than in a PPCallbacks::EndOfMainFile:
// clangd does not deliver that to checks.
void AnnotationCheck::onEndOfTranslationUnit() {
  if (MainSM)
    checkAttributeNames(*MainSM);
}

void AnnotationCheck::checkAttributeNames(const SourceManager &SM) {
  FileID Main = SM.getMainFileID();
  bool Invalid = false;
  StringRef Buffer = SM.getBufferData(Main, &Invalid);
  if (Invalid)
    return;
  Lexer Raw(SM.getLocForStartOfFile(Main), getLangOpts(), Buffer.begin(),
            Buffer.begin(), Buffer.end());
  // The last three tokens, to find `[[`, and `kara` `::` NAME inside it.
  Token Prev2, Prev1, Tok;
  Prev2.startToken();
  Prev1.startToken();
  int AttributeDepth = 0; // open `[[`
  int ParenDepth = 0;     // parentheses inside the attribute list
  while (!Raw.LexFromRawLexer(Tok) || Tok.isNot(tok::eof)) {
    if (Tok.is(tok::eof))
      break;
    if (Tok.is(tok::l_square) && Prev1.is(tok::l_square) &&
        Prev1.getLocation().getLocWithOffset(1) == Tok.getLocation()) {
      ++AttributeDepth;
      ParenDepth = 0;
    } else if (AttributeDepth > 0) {
      if (Tok.is(tok::l_paren))
        ++ParenDepth;
      else if (Tok.is(tok::r_paren))
        --ParenDepth;
      else if (Tok.is(tok::r_square) && Prev1.is(tok::r_square) &&
               ParenDepth <= 0)
        --AttributeDepth;
      else if (ParenDepth == 0 && Tok.is(tok::raw_identifier) &&
               Prev1.is(tok::coloncolon) && Prev2.is(tok::raw_identifier) &&
               Prev2.getRawIdentifier() == "kara") {
        StringRef Name = Tok.getRawIdentifier();
        if (!llvm::is_contained(KaraAttributeNames, Name)) {
          StringRef Best;
          unsigned BestDistance = 3;
          for (StringRef Known : KaraAttributeNames) {
            unsigned D = Name.edit_distance(Known, /*AllowReplacements=*/true);
            if (D < BestDistance) {
              Best = Known;
              BestDistance = D;
            }
          }
          CharSourceRange Range =
              CharSourceRange::getCharRange(Tok.getLocation(), Tok.getEndLoc());
          if (Best.empty())
            diag(Tok.getLocation(),
                 "unknown kara attribute 'kara::%0' (the kara attributes are "
                 "reads, writes, pure and sendable); it is ignored")
                << Name << Range;
          else
            diag(Tok.getLocation(), "unknown kara attribute 'kara::%0'; did "
                                    "you mean 'kara::%1'?")
                << Name << Best << FixItHint::CreateReplacement(Range, Best);
        }
      }
    }
    Prev2 = Prev1;
    Prev1 = Tok;
  }
}

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
