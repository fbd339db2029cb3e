// The effects database format in one place (issue 10 item 7): what
// EffectsDatabase::toJson and entryFor write, addJson and parseSpelling read
// back unchanged.
#include "kara/Analysis/EffectsDatabase.h"

#include <gtest/gtest.h>

using namespace kara;

namespace {

DatabaseEntry make(std::vector<std::string> Reads,
                   std::vector<std::string> Writes) {
  DatabaseEntry E;
  E.Reads = std::move(Reads);
  E.Writes = std::move(Writes);
  return E;
}

void expectSame(const DatabaseEntry &Written, const DatabaseEntry *Read,
                const std::string &Name) {
  ASSERT_NE(Read, nullptr) << Name;
  EXPECT_EQ(Read->Unknown, Written.Unknown) << Name;
  EXPECT_EQ(Read->Reads, Written.Reads) << Name;
  EXPECT_EQ(Read->Writes, Written.Writes) << Name;
  EXPECT_EQ(Read->Exact, Written.Exact) << Name;
  EXPECT_EQ(Read->NoThrow, Written.NoThrow) << Name;
  EXPECT_EQ(Read->From, Written.From) << Name;
}

} // namespace

TEST(DatabaseFormat, EveryFieldRoundTrips) {
  std::map<std::string, DatabaseEntry> Entries;
  Entries["pure_fn"] = DatabaseEntry();
  Entries["ns::reader"] = make({"DB::Users", "$1"}, {});
  Entries["ns::writer"] = make({"Config"}, {"this", "$0", "kara::io"});
  DatabaseEntry Unknown;
  Unknown.Unknown = true;
  Unknown.From = "legacy.cpp";
  Entries["legacy::query"] = Unknown;
  DatabaseEntry Summary = make({"$2"}, {"Log"});
  Summary.Exact = true;
  Summary.NoThrow = true;
  Summary.From = "src/a.cpp";
  Entries["ns::C::summarised"] = Summary;

  std::string Text = EffectsDatabase::toJson(Entries, "written by a test");
  EffectsDatabase DB;
  std::string Error;
  ASSERT_TRUE(DB.addJson(Text, "round-trip.json", Error)) << Error << Text;
  EXPECT_EQ(DB.size(), Entries.size());
  for (const auto &[Name, Entry] : Entries) {
    expectSame(Entry, DB.lookupFunction(Name), Name);
    EXPECT_EQ(DB.lookupFunction(Name)->Origin, "round-trip.json");
  }
  // Written again from what was read: the same text.
  std::map<std::string, DatabaseEntry> Reread;
  for (const auto &[Name, Entry] : Entries)
    Reread[Name] = *DB.lookupFunction(Name);
  EXPECT_EQ(EffectsDatabase::toJson(Reread, "written by a test"), Text);
}

TEST(DatabaseFormat, Spellings) {
  EXPECT_EQ(EffectsDatabase::spelling(Target::thisObject()), "this");
  EXPECT_EQ(EffectsDatabase::spelling(Target::param(3, "out")), "$3");
  EXPECT_EQ(EffectsDatabase::spelling(Target::resource("DB::Users")),
            "DB::Users");
  int Local = 0;
  EXPECT_EQ(EffectsDatabase::spelling(Target::local(&Local, "x")),
            std::nullopt);
  EXPECT_EQ(EffectsDatabase::spelling(Target::unknown()), std::nullopt);

  std::string Problem;
  EXPECT_EQ(EffectsDatabase::parseSpelling("this", Problem),
            Target::thisObject());
  std::optional<Target> P = EffectsDatabase::parseSpelling("$12", Problem);
  ASSERT_TRUE(P);
  EXPECT_EQ(P->TargetKind, Target::Kind::Param);
  EXPECT_EQ(P->ParamIndex, 12u);
  EXPECT_EQ(EffectsDatabase::parseSpelling("kara::io", Problem),
            Target::resource("kara::io"));
  for (const char *Bad : {"$", "$x", "$1a", "$12345678901"}) {
    Problem.clear();
    EXPECT_FALSE(EffectsDatabase::parseSpelling(Bad, Problem)) << Bad;
    EXPECT_NE(Problem.find(Bad), std::string::npos) << Problem;
  }
}

TEST(DatabaseFormat, EffectsRoundTripThroughAnEntry) {
  // What kara-summarize writes for an inferred summary, read back as the
  // analysis reads it.
  int Local = 0;
  EffectSet Effects = {Effect::write(Target::param(0, "dst")),
                       Effect::read(Target::param(1, "src")),
                       Effect::write(Target::thisObject()),
                       Effect::read(Target::resource("Config")),
                       Effect::write(Target::local(&Local, "tmp"))};
  DatabaseEntry Entry = EffectsDatabase::entryFor(Effects);
  EXPECT_FALSE(Entry.Unknown);
  EXPECT_EQ(Entry.Reads, (std::vector<std::string>{"$1", "Config"}));
  EXPECT_EQ(Entry.Writes, (std::vector<std::string>{"$0", "this"}));

  std::string Text = EffectsDatabase::toJson({{"f", Entry}}, "");
  EffectsDatabase DB;
  std::string Error;
  ASSERT_TRUE(DB.addJson(Text, "s.json", Error)) << Error;
  const DatabaseEntry *Read = DB.lookupFunction("f");
  ASSERT_NE(Read, nullptr);
  EffectSet Back;
  for (const auto &[List, Write] :
       {std::pair{&Read->Reads, false}, {&Read->Writes, true}})
    for (const std::string &S : *List) {
      std::string Problem;
      std::optional<Target> T = EffectsDatabase::parseSpelling(S, Problem);
      ASSERT_TRUE(T) << Problem;
      Back.add(Write ? Effect::write(*T) : Effect::read(*T));
    }
  // Everything but the local, which callers never see.
  EffectSet Expected = {Effect::write(Target::param(0, "$0")),
                        Effect::read(Target::param(1, "$1")),
                        Effect::write(Target::thisObject()),
                        Effect::read(Target::resource("Config"))};
  EXPECT_EQ(Back, Expected);
}

TEST(DatabaseFormat, UnknownAndCoveredReads) {
  EffectSet Unknown = {Effect::read(Target::resource("A")), Effect::unknown()};
  DatabaseEntry U = EffectsDatabase::entryFor(Unknown);
  EXPECT_TRUE(U.Unknown);
  EXPECT_TRUE(U.Reads.empty());
  // A write of `this.m` and a read of `this.n` both spell `this`: the write
  // covers the read.
  EffectSet Members = {Effect::write(Target::thisObject({"m"})),
                       Effect::read(Target::thisObject({"n"}))};
  DatabaseEntry M = EffectsDatabase::entryFor(Members);
  EXPECT_TRUE(M.Reads.empty());
  EXPECT_EQ(M.Writes, std::vector<std::string>{"this"});
}
