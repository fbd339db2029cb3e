//===- KaraAttributes.cpp - Register [[kara::...]] with Clang
//--------------===//
//
// Makes Clang accept the kara attributes and records their arguments on the
// declaration as `annotate` attributes, which survive precompiled preambles
// (clangd) and need no side tables.
//
// Clang 19 skips the arguments of an attribute whose scoped spelling it does
// not know (it only consults plugins for the unscoped name), so the argument
// tokens are recovered here from the source, following macro expansions:
// direct spellings, the KARA_* macros and user macros that wrap them.
//
// Built twice: into the tools (records annotations) and, with
// KARA_ATTRIBUTES_ACCEPT_ONLY, as a -fplugin for plain clang++ builds, where it
// only silences the unknown-attribute warning and changes no code generation.
//
//===----------------------------------------------------------------------===//

#include "kara/attributes/AttributeNames.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Basic/Version.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <vector>

using namespace clang;

namespace {

struct RecoveredToken {
  std::string Text;
  tok::TokenKind Kind;
  SourceLocation Loc; // a file location, where the token is written
};
using TokenList = std::vector<RecoveredToken>;

/// Why a recovery failed; empty when it succeeded.
struct Recovery {
  TokenList Tokens;       // the tokens between the parentheses
  bool HasParens = false; // false: the attribute was written without (...)
  std::string Error;
};

/// Recovers the parenthesised argument list that follows a token, undoing
/// macro expansion with the source manager (no token stream is kept by the
/// parser for attributes it does not know).
class ArgumentRecoverer {
public:
  ArgumentRecoverer(Sema &S)
      : SM(S.getSourceManager()), LO(S.getLangOpts()), PP(S.getPreprocessor()) {
  }

  /// The argument tokens following the token at \p Loc.
  Recovery afterToken(SourceLocation Loc, unsigned Depth = 0) {
    if (Depth > 16)
      return failure("macro nesting too deep to recover the arguments");
    if (Loc.isFileID())
      return rawGroupAfter(Loc);
    if (SM.isMacroArgExpansion(Loc))
      return afterToken(SM.getImmediateSpellingLoc(Loc), Depth + 1);

    // The token sits in a macro body: read the group from the definition and
    // substitute the macro's parameters by the invocation's arguments.
    SourceLocation BodyLoc = SM.getImmediateSpellingLoc(Loc);
    Recovery Body = afterToken(BodyLoc, Depth + 1);
    if (!Body.Error.empty() || !Body.HasParens)
      return Body;
    const MacroInfo *MI = macroFor(Loc);
    if (!MI || !MI->isFunctionLike())
      return Body;
    bool UsesParams = false;
    for (const RecoveredToken &T : Body.Tokens)
      UsesParams |= paramIndex(*MI, T.Text).has_value();
    if (!UsesParams)
      return Body;

    SourceLocation InvocationName =
        SM.getImmediateExpansionRange(Loc).getBegin();
    Recovery Invocation = afterToken(InvocationName, Depth + 1);
    if (!Invocation.Error.empty())
      return Invocation;
    std::vector<TokenList> Actuals = splitTopLevel(Invocation.Tokens);
    Recovery Result;
    Result.HasParens = true;
    for (const RecoveredToken &T : Body.Tokens) {
      std::optional<unsigned> Index = paramIndex(*MI, T.Text);
      if (!Index) {
        Result.Tokens.push_back(T);
        continue;
      }
      bool IsVariadicRest =
          MI->isVariadic() && *Index + 1 == MI->getNumParams();
      for (unsigned I = *Index; I < Actuals.size(); ++I) {
        if (I != *Index)
          Result.Tokens.push_back({",", tok::comma, T.Loc});
        Result.Tokens.insert(Result.Tokens.end(), Actuals[I].begin(),
                             Actuals[I].end());
        if (!IsVariadicRest)
          break;
      }
    }
    return Result;
  }

  static std::vector<TokenList> splitTopLevel(const TokenList &Tokens) {
    std::vector<TokenList> Parts;
    if (Tokens.empty())
      return Parts;
    Parts.emplace_back();
    int Depth = 0;
    for (const RecoveredToken &T : Tokens) {
      if (T.Kind == tok::l_paren || T.Kind == tok::l_square ||
          T.Kind == tok::l_brace)
        ++Depth;
      else if (T.Kind == tok::r_paren || T.Kind == tok::r_square ||
               T.Kind == tok::r_brace)
        --Depth;
      if (Depth == 0 && T.Kind == tok::comma) {
        Parts.emplace_back();
        continue;
      }
      Parts.back().push_back(T);
    }
    return Parts;
  }

private:
  static Recovery failure(std::string Why) {
    Recovery R;
    R.Error = std::move(Why);
    return R;
  }

  const MacroInfo *macroFor(SourceLocation Loc) {
    StringRef Name = Lexer::getImmediateMacroName(Loc, SM, LO);
    if (Name.empty())
      return nullptr;
    IdentifierInfo *II = PP.getIdentifierInfo(Name);
    MacroDefinition Def = PP.getMacroDefinitionAtLoc(
        II, SM.getImmediateExpansionRange(Loc).getBegin());
    if (const MacroInfo *MI = Def.getMacroInfo())
      return MI;
    return PP.getMacroInfo(II);
  }

  static std::optional<unsigned> paramIndex(const MacroInfo &MI,
                                            StringRef Name) {
    unsigned I = 0;
    for (const IdentifierInfo *P : MI.params()) {
      if (P->getName() == Name)
        return I;
      ++I;
    }
    return std::nullopt;
  }

  /// Lexes, as written, the balanced (...) group right after the token at the
  /// file location \p Loc.
  Recovery rawGroupAfter(SourceLocation Loc) {
    Recovery R;
    SourceLocation Next = Lexer::getLocForEndOfToken(Loc, 0, SM, LO);
    if (Next.isInvalid())
      return failure("cannot read the attribute's source");
    FileID FID;
    unsigned Offset;
    std::tie(FID, Offset) = SM.getDecomposedLoc(Next);
    bool Invalid = false;
    StringRef Buffer = SM.getBufferData(FID, &Invalid);
    if (Invalid)
      return failure("cannot read the attribute's source");
    Lexer Raw(SM.getLocForStartOfFile(FID), LO, Buffer.begin(),
              Buffer.begin() + Offset, Buffer.end());
    Raw.SetCommentRetentionState(false);
    Token Tok;
    Raw.LexFromRawLexer(Tok);
    if (Tok.isNot(tok::l_paren))
      return R; // no argument list
    R.HasParens = true;
    int Depth = 1;
    while (true) {
      Raw.LexFromRawLexer(Tok);
      if (Tok.is(tok::eof))
        return failure("unbalanced parentheses in the argument list");
      // A raw lexer does not stop at the end of a #define line.
      if (Tok.isAtStartOfLine() && Tok.is(tok::hash))
        return failure("unbalanced parentheses in the argument list");
      if (Tok.is(tok::l_paren))
        ++Depth;
      if (Tok.is(tok::r_paren) && --Depth == 0)
        return R;
      tok::TokenKind Kind = Tok.getKind();
      if (Kind == tok::raw_identifier) {
        // `this` and other keywords arrive as raw identifiers.
        Kind = tok::identifier;
      }
      R.Tokens.push_back(
          {Lexer::getSpelling(Tok, SM, LO), Kind, Tok.getLocation()});
    }
  }

  SourceManager &SM;
  const LangOptions &LO;
  Preprocessor &PP;
};

/// Joins tokens into the canonical text of one argument: `DB :: Users`
/// becomes `DB::Users`; words stay apart.
std::string joinTokens(const TokenList &Tokens) {
  std::string Text;
  bool PrevWord = false;
  for (const RecoveredToken &T : Tokens) {
    bool Word = !T.Text.empty() &&
                (isalnum(static_cast<unsigned char>(T.Text.front())) ||
                 T.Text.front() == '_');
    if (Word && PrevWord)
      Text += ' ';
    Text += T.Text;
    PrevWord = Word;
  }
  return Text;
}

class KaraAttrInfo : public ParsedAttrInfo {
public:
  KaraAttrInfo(const char *Name, const Spelling *S, bool TakesResources,
               bool OnRecords)
      : Name(Name), TakesResources(TakesResources), OnRecords(OnRecords) {
    OptArgs = 15;
    Spellings = ArrayRef<Spelling>(S, 1);
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    bool Fits = OnRecords
                    ? isa<CXXRecordDecl>(D)
                    : isa<FunctionDecl>(D) || isa<FunctionTemplateDecl>(D);
    if (Fits)
      return true;
    S.Diag(Attr.getLoc(), diag::warn_attribute_wrong_decl_type_str)
        << Attr << Attr.isRegularKeywordAttribute()
        << (OnRecords ? "classes" : "functions");
    return false;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
#ifdef KARA_ATTRIBUTES_ACCEPT_ONLY
    (void)S;
    (void)D;
    (void)Attr;
    return AttributeApplied;
#else
    ASTContext &Ctx = S.getASTContext();
    ArgumentRecoverer Recoverer(S);
    // Clang skipped the arguments, so the range ends at the attribute's name
    // (getLoc() is the `kara` scope token).
    SourceLocation NameLoc = Attr.getRange().getEnd();
    Recovery R = Recoverer.afterToken(NameLoc);
    std::string Full = std::string("kara::") + Name;
    SourceRange Range = Attr.getRange();

    auto StringArg = [&](StringRef Text, SourceLocation Loc) -> Expr * {
      QualType Ty = Ctx.getStringLiteralArrayType(Ctx.CharTy, Text.size());
      return StringLiteral::Create(Ctx, Text, StringLiteralKind::Ordinary,
                                   /*Pascal=*/false, Ty, Loc);
    };
    auto Malformed = [&](StringRef Why) {
      Expr *Args[] = {StringArg(Full, NameLoc), StringArg(Why, NameLoc)};
      D->addAttr(AnnotateAttr::CreateImplicit(Ctx, kara::MalformedAnnotation,
                                              Args, 2, Range));
      return AttributeApplied;
    };

    if (!R.Error.empty())
      return Malformed(R.Error);
    std::vector<TokenList> Parts = ArgumentRecoverer::splitTopLevel(R.Tokens);
    if (!TakesResources) {
      if (R.HasParens)
        return Malformed(Full + " takes no arguments");
    } else {
      if (!R.HasParens || Parts.empty())
        return Malformed("empty resource list; name at least one resource, "
                         "or use [[kara::pure]]");
      for (const TokenList &Part : Parts)
        if (Part.empty())
          return Malformed("empty argument in the resource list");
    }
    llvm::SmallVector<Expr *, 4> Args;
    for (const TokenList &Part : Parts)
      Args.push_back(StringArg(joinTokens(Part), Part.front().Loc));
    D->addAttr(AnnotateAttr::CreateImplicit(Ctx, Full, Args.data(), Args.size(),
                                            Range));
    return AttributeApplied;
#endif
  }

private:
  const char *Name;
  bool TakesResources;
  bool OnRecords;
};

const ParsedAttrInfo::Spelling ReadsSpelling[] = {
    {ParsedAttr::AS_CXX11, "kara::reads"}};
const ParsedAttrInfo::Spelling WritesSpelling[] = {
    {ParsedAttr::AS_CXX11, "kara::writes"}};
const ParsedAttrInfo::Spelling PureSpelling[] = {
    {ParsedAttr::AS_CXX11, "kara::pure"}};
const ParsedAttrInfo::Spelling SendableSpelling[] = {
    {ParsedAttr::AS_CXX11, "kara::sendable"}};

struct ReadsAttr : KaraAttrInfo {
  ReadsAttr() : KaraAttrInfo("reads", ReadsSpelling, true, false) {}
};
struct WritesAttr : KaraAttrInfo {
  WritesAttr() : KaraAttrInfo("writes", WritesSpelling, true, false) {}
};
struct PureAttr : KaraAttrInfo {
  PureAttr() : KaraAttrInfo("pure", PureSpelling, false, false) {}
};
struct SendableAttr : KaraAttrInfo {
  SendableAttr() : KaraAttrInfo("sendable", SendableSpelling, false, true) {}
};

ParsedAttrInfoRegistry::Add<ReadsAttr> RegisterReads("kara-reads",
                                                     "[[kara::reads(...)]]");
ParsedAttrInfoRegistry::Add<WritesAttr> RegisterWrites("kara-writes",
                                                       "[[kara::writes(...)]]");
ParsedAttrInfoRegistry::Add<PureAttr> RegisterPure("kara-pure",
                                                   "[[kara::pure]]");
ParsedAttrInfoRegistry::Add<SendableAttr>
    RegisterSendable("kara-sendable", "[[kara::sendable]]");

} // namespace

#ifdef KARA_ATTRIBUTES_ACCEPT_ONLY
// clang-tidy's static analyzer treats every -fplugin of the compile command
// as a checker plugin and warns ("not compatible with this version of the
// analyzer") unless it carries the analyzer API version. It registers no
// checker (there is no clang_registerCheckers).
extern "C" LLVM_ATTRIBUTE_VISIBILITY_DEFAULT const char
    clang_analyzerAPIVersionString[] = CLANG_VERSION_STRING;
#endif

namespace kara {
// Referenced by the tools so that static linking keeps the registrations.
volatile int KaraAttributesAnchorSource = 0;
} // namespace kara
