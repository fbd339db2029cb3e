// The tool's sendable types (SendableTypes.def, judged by whyNotSendable)
// against the runtime's kara::is_sendable_v: every row's samples, plus
// library types the list leaves out, must get the same answer from both
// (issue 10 item 2: the tool used to call std::queue<int> sendable while
// kara::spawn(f, std::queue<int>{}) failed the runtime's static_assert).
#include "kara/Analysis/Sendability.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace clang;
using namespace clang::ast_matchers;

namespace {

struct Sample {
  std::string Spelling;
  const char *From; // the row, or "unlisted"
};

std::vector<Sample> samples() {
  std::vector<Sample> Out;
#define KARA_SENDABLE_TEMPLATE(Name, Rule, Sendable, NotSendable)              \
  Out.push_back({Sendable, Name});                                             \
  if (std::string(NotSendable).size())                                         \
    Out.push_back({NotSendable, Name});
#define KARA_SENDABLE_CLASS(Name) Out.push_back({Name, Name});
#include "kara/Analysis/SendableTypes.def"
  // Library types the list leaves out: not sendable on either side.
  for (const char *T :
       {"std::unique_ptr<int>", "std::string_view", "std::span<int>",
        "std::reference_wrapper<int>", "std::function<void()>", "std::mt19937",
        "std::exception_ptr", "std::valarray<int>",
        "std::integral_constant<int, 1>"})
    Out.push_back({T, "unlisted"});
  return Out;
}

TEST(SendableTypes, ToolAndRuntimeAgree) {
  std::vector<Sample> All = samples();
  std::string Code = "#include <kara/runtime.hpp>\n"
                     "#include <functional>\n#include <queue>\n"
                     "#include <random>\n#include <span>\n#include <stack>\n"
                     "#include <string_view>\n#include <valarray>\n"
                     "namespace probe {\n";
  for (unsigned I = 0; I < All.size(); ++I)
    Code += "using t" + std::to_string(I) + " = " + All[I].Spelling +
            ";\nconstexpr bool r" + std::to_string(I) +
            " = kara::is_sendable_v<t" + std::to_string(I) + ">;\n";
  Code += "}\n";
  std::unique_ptr<ASTUnit> AST = tooling::buildASTFromCodeWithArgs(
      Code,
      {"-std=c++20", "-fsyntax-only", "-I" KARA_RUNTIME_INCLUDE_DIR,
       "-resource-dir=" KARA_CLANG_RESOURCE_DIR},
      "probe.cpp");
  ASSERT_TRUE(AST);
  ASSERT_FALSE(AST->getDiagnostics().hasErrorOccurred());
  ASTContext &Ctx = AST->getASTContext();
  for (unsigned I = 0; I < All.size(); ++I) {
    std::string N = std::to_string(I);
    auto Alias = match(typedefNameDecl(hasName("probe::t" + N)).bind("t"), Ctx);
    auto Flag = match(varDecl(hasName("probe::r" + N)).bind("r"), Ctx);
    ASSERT_EQ(Alias.size(), 1u) << All[I].Spelling;
    ASSERT_EQ(Flag.size(), 1u) << All[I].Spelling;
    QualType T = Alias[0].getNodeAs<TypedefNameDecl>("t")->getUnderlyingType();
    const VarDecl *R = Flag[0].getNodeAs<VarDecl>("r");
    bool Runtime = false;
    ASSERT_TRUE(R->getInit()->EvaluateAsBooleanCondition(Runtime, Ctx));
    std::optional<kara::NotSendable> Why = kara::whyNotSendable(T, Ctx);
    EXPECT_EQ(!Why.has_value(), Runtime)
        << All[I].Spelling << " (" << All[I].From << "): the runtime says "
        << (Runtime ? "sendable" : "not sendable") << ", the tool "
        << (Why ? "not sendable: " + Why->str() : std::string("sendable"));
  }
}

} // namespace
