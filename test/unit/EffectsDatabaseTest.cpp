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

TEST(EffectsDatabase, NothrowIsABooleanFlag) {
  EffectsDatabase DB;
  std::string Error;
  ASSERT_TRUE(DB.addJson(R"({"functions": {
      "f": {"pure": true, "nothrow": true},
      "g": {"writes": ["A"]}}})",
                         "t.json", Error))
      << Error;
  EXPECT_TRUE(DB.lookupFunction("f")->NoThrow);
  EXPECT_FALSE(DB.lookupFunction("g")->NoThrow);
  EffectsDatabase Bad;
  EXPECT_FALSE(
      Bad.addJson(R"({"functions": {"f": {"pure": true, "nothrow": 1}}})",
                  "bad.json", Error));
  EXPECT_NE(Error.find("'nothrow' must be true or false"), std::string::npos)
      << Error;
  EXPECT_FALSE(Bad.addJson(R"({"functions": {"f": {"nothrow": true}}})",
                           "bad.json", Error));
  EXPECT_NE(Error.find("says nothing"), std::string::npos) << Error;
}

// What real code calls (issue 13): exceptions, threads, I/O. An entry that
// allocates may throw std::bad_alloc and must not claim nothrow.
TEST(EffectsDatabase, BuiltinCoversWhatRealCodeCalls) {
  const EffectsDatabase &DB = EffectsDatabase::builtin();
  auto NoThrow = [&](const char *Name) {
    const kara::DatabaseEntry *E = DB.lookupFunction(Name);
    EXPECT_NE(E, nullptr) << Name;
    return E && E->NoThrow;
  };
  for (const char *Name :
       {"std::runtime_error::~runtime_error", "std::runtime_error::what",
        "std::exception::what", "std::exception::~exception",
        "std::out_of_range::~out_of_range", "std::system_error::code",
        "std::thread::hardware_concurrency", "std::mutex::unlock",
        "std::atomic::fetch_add", "std::chrono::steady_clock::now", "strlen",
        "memcpy", "free", "fwrite", "operator delete"})
    EXPECT_TRUE(NoThrow(Name)) << Name;
  for (const char *Name :
       {"std::runtime_error::runtime_error", "std::system_error::system_error",
        "std::logic_error::logic_error", "std::error_code::message",
        "std::mutex::lock", "std::thread::join", "std::vector::push_back",
        "std::basic_string::append", "operator new", "std::make_unique",
        "std::stoi", "std::filesystem::exists", "std::__throw_length_error",
        "exit"})
    EXPECT_FALSE(NoThrow(Name)) << Name;
  EXPECT_EQ(DB.lookupFunction("std::mutex::lock")->Writes,
            std::vector<std::string>{"this"});
  EXPECT_EQ(DB.lookupFunction("std::filesystem::exists")->Reads,
            std::vector<std::string>{"kara::io"});
  EXPECT_TRUE(DB.lookupFunction("fwrite")->Exact);
  EXPECT_TRUE(DB.lookupFunction("sscanf")->Unknown);
}
