//===- EffectsDatabase.h - Effects of functions you cannot edit -*- C++ -*-===//
//
// JSON files that map qualified function names to effects:
//
//   {
//     "kara-effects": 1,
//     "functions": {
//       "strlen":                 { "pure": true },
//       "printf":                 { "writes": ["kara::io"] },
//       "std::sort":              { "writes": ["$0"] },
//       "std::basic_ostream::*":  { "writes": ["this", "kara::io"] },
//       "legacy::query":          { "unknown": true }
//     },
//     "variables": { "std::cout": "kara::io" }
//   }
//
// Names have no template arguments and no inline namespaces. A trailing `*`
// matches any suffix; the longest matching pattern wins, an exact name beats
// every pattern, and a later file overrides an earlier one. In the lists,
// `this` is the object of a member function, `$N` parameter N (0-based) and
// anything else a resource path. Parameter effects implied by types (SPEC §2)
// are added on top, unless the entry says "exact": true. "from" names the
// source file a summary was inferred from (kara-summarize writes both).
// "nothrow": true says the function cannot throw. "variables" renames a
// global variable's resource. "trace" (kara-summarize writes it) says, per
// effect, through which calls across units the function has it:
//
//   "trace": {"writes sink": [{"in": "f1", "what": "calls 'f2'",
//                              "at": "a.cpp:12"}, ...,
//                             {"in": "f7", "what": "writes sink",
//                              "at": "g.cpp:4"}]}
//
// keyed "reads X", "writes X" (X as in the lists) or "unknown".
//
//===----------------------------------------------------------------------===//
#ifndef KARA_ANALYSIS_EFFECTSDATABASE_H
#define KARA_ANALYSIS_EFFECTSDATABASE_H

#include "kara/Analysis/Effect.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kara {

/// One step of a "trace": in function `In`, at File:Line, `What` happens (a
/// call to the next step's function, or the access itself).
struct TraceHop {
  std::string In;
  std::string What;
  std::string File;
  unsigned Line = 0;

  bool operator==(const TraceHop &O) const {
    return In == O.In && What == O.What && File == O.File && Line == O.Line;
  }
};

struct DatabaseEntry {
  bool Unknown = false;
  std::vector<std::string> Reads;
  std::vector<std::string> Writes;
  /// "exact": the effects are complete; no type-implied parameter or `this`
  /// effects are added (kara-summarize writes inferred summaries this way).
  bool Exact = false;
  /// "nothrow": a call never lets an exception escape (every overload the
  /// name covers). Entries are the authority for the functions they match:
  /// without it, a function that is not declared noexcept may throw, whatever
  /// its visible body does (EffectAnalysis::mayThrow).
  bool NoThrow = false;
  /// "from": where the effects were inferred (a source file), for notes.
  std::string From;
  /// The file the entry came from, for explanations.
  std::string Origin;
  /// "trace": why the entry has an effect, by traceKey of the effect.
  std::map<std::string, std::vector<TraceHop>> Traces;

  /// The key of an effect in "trace": `writes X`, `reads X` (X spelled as in
  /// the lists: a resource, `this`, `$N`) or `unknown`.
  static std::string traceKey(bool Write, const std::string &Spelling) {
    return (Write ? "writes " : "reads ") + Spelling;
  }
  static constexpr const char *UnknownTraceKey = "unknown";
};

class EffectsDatabase {
public:
  /// The database compiled into the tools (annotations/effects/std.json).
  static const EffectsDatabase &builtin();

  /// Adds the entries of a JSON text; on error returns false and sets
  /// `Error` to a message naming the origin and the problem.
  bool addJson(const std::string &Text, const std::string &Origin,
               std::string &Error);
  /// Adds the entries of a JSON file.
  bool addFile(const std::string &Path, std::string &Error);

  const DatabaseEntry *lookupFunction(const std::string &QualifiedName) const;
  /// The resource a global variable stands for, if renamed.
  std::optional<std::string>
  lookupVariable(const std::string &QualifiedName) const;

  std::size_t size() const { return Exact.size() + Patterns.size(); }

  /// The text of a database holding `Functions` (exact names), in the format
  /// addJson reads: the one writer of the format (kara-summarize uses it).
  /// An entry with no effects and not unknown is written "pure"; Origin is
  /// not written.
  static std::string
  toJson(const std::map<std::string, DatabaseEntry> &Functions,
         const std::string &Comment);

  /// How "reads"/"writes" spell a target: `this`, `$N` (parameter N) or a
  /// resource path; nullopt for targets callers cannot name (locals,
  /// unknown). The writer's half of the format.
  static std::optional<std::string> spelling(const Target &T);
  /// The target a spelling names (the reader's half): `this`, `$N` as
  /// parameter N (named `$N`; the caller renames it after the declaration),
  /// anything else a resource. Sets `Problem` and returns nullopt for a
  /// malformed `$` reference.
  static std::optional<Target> parseSpelling(const std::string &Text,
                                             std::string &Problem);
  /// The entry that states `Effects` (kara-summarize's inferred summaries):
  /// unknown if any effect is, otherwise the spellings of the effects that
  /// have one, a write covering a read of the same spelling.
  static DatabaseEntry entryFor(const EffectSet &Effects);

private:
  std::map<std::string, DatabaseEntry> Exact;
  std::map<std::string, DatabaseEntry> Patterns; // keyed without the `*`
  std::map<std::string, std::string> Variables;
};

} // namespace kara

#endif
