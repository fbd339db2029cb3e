// The effects database: format validation, lookup precedence, the built-in
// database.
#include "kara/Analysis/EffectsDatabase.h"

#include <gtest/gtest.h>

using kara::EffectsDatabase;

TEST(EffectsDatabase, ExactBeatsPatternAndLongestPatternWins) {
  EffectsDatabase DB;
  std::string Error;
  ASSERT_TRUE(DB.addJson(R"({"functions": {
      "ns::*": {"reads": ["A"]},
      "ns::io::*": {"writes": ["B"]},
      "ns::io::flush": {"pure": true}}})",
                         "test.json", Error))
      << Error;
  ASSERT_NE(DB.lookupFunction("ns::f"), nullptr);
  EXPECT_EQ(DB.lookupFunction("ns::f")->Reads,
            std::vector<std::string>{"A"});
  EXPECT_EQ(DB.lookupFunction("ns::io::put")->Writes,
            std::vector<std::string>{"B"});
  EXPECT_TRUE(DB.lookupFunction("ns::io::flush")->Writes.empty());
  EXPECT_TRUE(DB.lookupFunction("ns::io::flush")->Reads.empty());
  EXPECT_EQ(DB.lookupFunction("other::f"), nullptr);
  EXPECT_EQ(DB.lookupFunction("ns"), nullptr);
}

TEST(EffectsDatabase, RejectsMalformedFilesWithAReason) {
  struct Case {
    const char *Json;
    const char *Expected;
  } Cases[] = {
      {"{", "not valid JSON"},
      {"[]", "top level must be an object"},
      {R"({"functions": []})", "'functions' must be an object"},
      {R"({"functions": {"f": 3}})", "must be an object"},
      {R"({"functions": {"f": {"reads": "A"}}})", "list of strings"},
      {R"({"functions": {"f": {"writes": [1]}}})", "non-empty strings"},
      {R"({"functions": {"f": {"pure": true, "reads": ["A"]}}})",
       "cannot be combined"},
      {R"({"functions": {"f": {}}})", "says nothing"},
      {R"({"functions": {"f": {"read": ["A"]}}})", "unknown field 'read'"},
      {R"({"variables": {"g": 1}})", "must map to a resource name"},
  };
  for (const Case &C : Cases) {
    EffectsDatabase DB;
    std::string Error;
    EXPECT_FALSE(DB.addJson(C.Json, "bad.json", Error)) << C.Json;
    EXPECT_NE(Error.find(C.Expected), std::string::npos)
        << C.Json << " gave: " << Error;
    EXPECT_NE(Error.find("bad.json"), std::string::npos) << Error;
    EXPECT_EQ(DB.size(), 0u) << "a bad file must add nothing";
  }
}

TEST(EffectsDatabase, MissingFileIsAnError) {
  EffectsDatabase DB;
  std::string Error;
  EXPECT_FALSE(DB.addFile("/nonexistent/effects.json", Error));
  EXPECT_NE(Error.find("cannot open"), std::string::npos);
}

TEST(EffectsDatabase, LaterFilesOverride) {
  EffectsDatabase DB;
  std::string Error;
  ASSERT_TRUE(DB.addJson(R"({"functions": {"f": {"reads": ["A"]}}})", "1", Error));
  ASSERT_TRUE(DB.addJson(R"({"functions": {"f": {"writes": ["B"]}}})", "2", Error));
  EXPECT_EQ(DB.lookupFunction("f")->Origin, "2");
}

TEST(EffectsDatabase, BuiltinCoversTheStandardLibrary) {
  const EffectsDatabase &DB = EffectsDatabase::builtin();
  ASSERT_NE(DB.lookupFunction("printf"), nullptr);
  EXPECT_EQ(DB.lookupFunction("printf")->Writes,
            std::vector<std::string>{"kara::io"});
  EXPECT_NE(DB.lookupFunction("std::sqrt"), nullptr);
  EXPECT_NE(DB.lookupFunction("std::__throw_length_error"), nullptr);
  EXPECT_NE(DB.lookupFunction("std::basic_ostream::put"), nullptr);
  EXPECT_EQ(DB.lookupVariable("std::cout").value_or(""), "kara::io");
  EXPECT_FALSE(DB.lookupVariable("my::global").has_value());
}
