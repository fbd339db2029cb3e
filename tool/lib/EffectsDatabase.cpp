//===- EffectsDatabase.cpp - Effects of functions you cannot edit ---------===//

#include "kara/Analysis/EffectsDatabase.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace kara {

namespace {
const char BuiltinJson[] =
#include "BuiltinEffects.inc"
    ;

bool readList(const nlohmann::json &Value, const char *Key,
              std::vector<std::string> &Out, std::string &Error) {
  if (!Value.contains(Key))
    return true;
  const nlohmann::json &List = Value.at(Key);
  if (!List.is_array()) {
    Error = std::string("'") + Key + "' must be a list of strings";
    return false;
  }
  for (const nlohmann::json &Item : List) {
    if (!Item.is_string() || Item.get<std::string>().empty()) {
      Error = std::string("'") + Key + "' must be a list of non-empty strings";
      return false;
    }
    const std::string &Text = Item.get_ref<const std::string &>();
    // Anything starting with `$` that is not `$N` is a typo that would
    // otherwise only surface when the entry is used.
    std::string Problem;
    if (!EffectsDatabase::parseSpelling(Text, Problem)) {
      Error = std::string("'") + Key + "': " + Problem;
      return false;
    }
    Out.push_back(Text);
  }
  return true;
}
/// "at": "FILE:LINE" (the file may hold colons itself).
bool splitAt(const std::string &At, std::string &File, unsigned &Line) {
  std::size_t Colon = At.rfind(':');
  if (Colon == std::string::npos || Colon == 0 || Colon + 1 == At.size() ||
      At.find_first_not_of("0123456789", Colon + 1) != std::string::npos ||
      At.size() - Colon > 10)
    return false;
  File = At.substr(0, Colon);
  Line = unsigned(std::stoul(At.substr(Colon + 1)));
  return true;
}

bool readTraces(const nlohmann::json &Value,
                std::map<std::string, std::vector<TraceHop>> &Out,
                std::string &Error) {
  if (!Value.is_object()) {
    Error = "'trace' must be an object of lists";
    return false;
  }
  for (auto It = Value.begin(); It != Value.end(); ++It) {
    std::string Where = "'trace' of '" + It.key() + "': ";
    if (!It.value().is_array()) {
      Error = Where + "must be a list of steps";
      return false;
    }
    std::vector<TraceHop> &Hops = Out[It.key()];
    for (const nlohmann::json &Step : It.value()) {
      TraceHop Hop;
      if (!Step.is_object() || !Step.contains("in") || !Step.contains("what") ||
          !Step.contains("at") || !Step.at("in").is_string() ||
          !Step.at("what").is_string() || !Step.at("at").is_string() ||
          !splitAt(Step.at("at").get<std::string>(), Hop.File, Hop.Line)) {
        Error = Where + "a step must be {\"in\": F, \"what\": W, \"at\": "
                        "\"FILE:LINE\"}";
        return false;
      }
      Hop.In = Step.at("in").get<std::string>();
      Hop.What = Step.at("what").get<std::string>();
      Hops.push_back(std::move(Hop));
    }
  }
  return true;
}
} // namespace

const EffectsDatabase &EffectsDatabase::builtin() {
  static const EffectsDatabase DB = [] {
    EffectsDatabase Result;
    std::string Error;
    if (!Result.addJson(BuiltinJson, "<builtin std.json>", Error))
      throw std::logic_error("built-in effects database is invalid: " + Error);
    return Result;
  }();
  return DB;
}

bool EffectsDatabase::addJson(const std::string &Text,
                              const std::string &Origin, std::string &Error) {
  nlohmann::json Root;
  try {
    Root = nlohmann::json::parse(Text);
  } catch (const nlohmann::json::parse_error &E) {
    Error = Origin + ": not valid JSON: " + E.what();
    return false;
  }
  if (!Root.is_object()) {
    Error = Origin + ": the top level must be an object";
    return false;
  }
  // Validate everything before adding anything, so a bad file adds nothing.
  std::vector<std::pair<std::string, DatabaseEntry>> Functions;
  if (Root.contains("functions")) {
    const nlohmann::json &Map = Root.at("functions");
    if (!Map.is_object()) {
      Error = Origin + ": 'functions' must be an object";
      return false;
    }
    for (auto It = Map.begin(); It != Map.end(); ++It) {
      const nlohmann::json &Value = It.value();
      std::string Where = Origin + ": function '" + It.key() + "': ";
      if (It.key().empty()) {
        Error = Origin + ": a function name is empty";
        return false;
      }
      if (!Value.is_object()) {
        Error = Where + "the entry must be an object";
        return false;
      }
      for (auto Field = Value.begin(); Field != Value.end(); ++Field)
        if (Field.key() != "reads" && Field.key() != "writes" &&
            Field.key() != "pure" && Field.key() != "unknown" &&
            Field.key() != "exact" && Field.key() != "from" &&
            Field.key() != "nothrow" && Field.key() != "trace") {
          Error = Where + "unknown field '" + Field.key() +
                  "' (expected reads, writes, pure, unknown, exact, nothrow, "
                  "from or trace)";
          return false;
        }
      DatabaseEntry Entry;
      Entry.Origin = Origin;
      std::string ListError;
      if (!readList(Value, "reads", Entry.Reads, ListError) ||
          !readList(Value, "writes", Entry.Writes, ListError)) {
        Error = Where + ListError;
        return false;
      }
      for (const char *Flag : {"pure", "unknown", "exact", "nothrow"})
        if (Value.contains(Flag) && !Value.at(Flag).is_boolean()) {
          Error = Where + "'" + Flag + "' must be true or false";
          return false;
        }
      Entry.Unknown = Value.value("unknown", false);
      Entry.Exact = Value.value("exact", false);
      Entry.NoThrow = Value.value("nothrow", false);
      if (Value.contains("from")) {
        if (!Value.at("from").is_string()) {
          Error = Where + "'from' must be a string";
          return false;
        }
        Entry.From = Value.at("from").get<std::string>();
      }
      if (Value.contains("trace") &&
          !readTraces(Value.at("trace"), Entry.Traces, ListError)) {
        Error = Where + ListError;
        return false;
      }
      bool Pure = Value.value("pure", false);
      if (Pure &&
          (Entry.Unknown || !Entry.Reads.empty() || !Entry.Writes.empty())) {
        Error = Where + "'pure' cannot be combined with other effects";
        return false;
      }
      if (!Pure && !Entry.Unknown && Entry.Reads.empty() &&
          Entry.Writes.empty()) {
        Error = Where + "says nothing; use \"pure\": true for no effects";
        return false;
      }
      Functions.emplace_back(It.key(), std::move(Entry));
    }
  }
  std::vector<std::pair<std::string, std::string>> Vars;
  if (Root.contains("variables")) {
    const nlohmann::json &Map = Root.at("variables");
    if (!Map.is_object()) {
      Error = Origin + ": 'variables' must be an object";
      return false;
    }
    for (auto It = Map.begin(); It != Map.end(); ++It) {
      if (!It.value().is_string() || It.value().get<std::string>().empty()) {
        Error = Origin + ": variable '" + It.key() +
                "' must map to a resource name";
        return false;
      }
      Vars.emplace_back(It.key(), It.value().get<std::string>());
    }
  }
  for (auto &[Name, Entry] : Functions) {
    if (!Name.empty() && Name.back() == '*')
      Patterns[Name.substr(0, Name.size() - 1)] = std::move(Entry);
    else
      Exact[Name] = std::move(Entry);
  }
  for (auto &[Name, Resource] : Vars)
    Variables[Name] = Resource;
  return true;
}

bool EffectsDatabase::addFile(const std::string &Path, std::string &Error) {
  std::ifstream In(Path);
  if (!In) {
    Error = Path + ": cannot open the effects database";
    return false;
  }
  std::stringstream Buffer;
  Buffer << In.rdbuf();
  return addJson(Buffer.str(), Path, Error);
}

std::string
EffectsDatabase::toJson(const std::map<std::string, DatabaseEntry> &Functions,
                        const std::string &Comment) {
  // Fields in a fixed order (alphabetical, "trace" last: the effects first).
  nlohmann::ordered_json Doc;
  if (!Comment.empty())
    Doc["comment"] = Comment;
  nlohmann::ordered_json &Map = Doc["functions"] =
      nlohmann::ordered_json::object();
  for (const auto &[Name, Entry] : Functions) {
    nlohmann::ordered_json J = nlohmann::ordered_json::object();
    if (Entry.Exact)
      J["exact"] = true;
    if (!Entry.From.empty())
      J["from"] = Entry.From;
    if (Entry.NoThrow)
      J["nothrow"] = true;
    if (Entry.Unknown) {
      J["unknown"] = true;
    } else {
      if (Entry.Reads.empty() && Entry.Writes.empty())
        J["pure"] = true;
      if (!Entry.Reads.empty())
        J["reads"] = Entry.Reads;
      if (!Entry.Writes.empty())
        J["writes"] = Entry.Writes;
    }
    if (!Entry.Traces.empty()) {
      nlohmann::ordered_json &Traces = J["trace"] =
          nlohmann::ordered_json::object();
      for (const auto &[Key, Hops] : Entry.Traces) {
        nlohmann::ordered_json &Steps = Traces[Key] =
            nlohmann::ordered_json::array();
        for (const TraceHop &Hop : Hops)
          Steps.push_back({{"in", Hop.In},
                           {"what", Hop.What},
                           {"at", Hop.File + ":" + std::to_string(Hop.Line)}});
      }
    }
    Map[Name] = std::move(J);
  }
  Doc["kara-effects"] = 1;
  return Doc.dump(1) + "\n";
}

std::optional<std::string> EffectsDatabase::spelling(const Target &T) {
  switch (T.TargetKind) {
  case Target::Kind::Resource:
    return T.annotationSpelling();
  case Target::Kind::This:
    return std::string("this");
  case Target::Kind::Param:
    return "$" + std::to_string(T.ParamIndex);
  case Target::Kind::Referent:
    return T.annotationSpelling(); // `*T`, read back as a referent
  case Target::Kind::Local:
  case Target::Kind::Unknown:
    break;
  }
  return std::nullopt;
}

std::optional<Target> EffectsDatabase::parseSpelling(const std::string &Text,
                                                     std::string &Problem) {
  if (Text == "this")
    return Target::thisObject();
  // `*T`: the referent of a stored pointer (kara-summarize writes it).
  if (Text.size() > 1 && Text[0] == '*')
    return Target::referent(Text.substr(1));
  if (Text.empty() || Text[0] != '$')
    return Target::resource(Text);
  if (Text.size() < 2 || Text.size() > 10 ||
      Text.find_first_not_of("0123456789", 1) != std::string::npos) {
    Problem = "'" + Text + "' is not a parameter reference ($0, $1, ...)";
    return std::nullopt;
  }
  return Target::param(unsigned(std::stoul(Text.substr(1))), Text);
}

DatabaseEntry EffectsDatabase::entryFor(const EffectSet &Effects) {
  DatabaseEntry Entry;
  if (Effects.hasUnknown()) {
    Entry.Unknown = true;
    return Entry;
  }
  std::set<std::string> Reads, Writes;
  for (const Effect &E : Effects)
    if (std::optional<std::string> Name = spelling(E.On))
      (E.isWrite() ? Writes : Reads).insert(*Name);
  for (const std::string &W : Writes)
    Reads.erase(W);
  Entry.Reads.assign(Reads.begin(), Reads.end());
  Entry.Writes.assign(Writes.begin(), Writes.end());
  return Entry;
}

const DatabaseEntry *
EffectsDatabase::lookupFunction(const std::string &QualifiedName) const {
  auto Exact = this->Exact.find(QualifiedName);
  if (Exact != this->Exact.end())
    return &Exact->second;
  // Longest prefix pattern: walk candidates from the name down.
  auto It = Patterns.upper_bound(QualifiedName);
  while (It != Patterns.begin()) {
    --It;
    if (QualifiedName.compare(0, It->first.size(), It->first) == 0)
      return &It->second;
    // Keys sorting before the name may still be shorter prefixes of it.
    if (It->first.empty() || It->first[0] != QualifiedName[0])
      break;
  }
  return nullptr;
}

std::optional<std::string>
EffectsDatabase::lookupVariable(const std::string &QualifiedName) const {
  auto It = Variables.find(QualifiedName);
  if (It == Variables.end())
    return std::nullopt;
  return It->second;
}

} // namespace kara
