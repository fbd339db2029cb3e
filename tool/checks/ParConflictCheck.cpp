//===- ParConflictCheck.cpp - kara-par-conflict --------------------------------------===//

#include "ParConflictCheck.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace kara {

void ParConflictCheck::registerMatchers(MatchFinder *) {}

void ParConflictCheck::check(const MatchFinder::MatchResult &) {}

} // namespace kara
