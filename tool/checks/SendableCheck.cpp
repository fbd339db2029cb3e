//===- SendableCheck.cpp - kara-sendable --------------------------------------===//

#include "SendableCheck.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace kara {

void SendableCheck::registerMatchers(MatchFinder *) {}

void SendableCheck::check(const MatchFinder::MatchResult &) {}

} // namespace kara
