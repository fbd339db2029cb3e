// loadDatabases: databases named in the options are cached per list of files
// and reloaded when a file changes (kara-clangd sees an edited JSON without
// a restart); a file that does not load is an error until it is fixed.
#include "kara/Analysis/DatabaseFiles.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <unistd.h>

using kara::DatabaseEntry;
using kara::EffectsDatabase;
using kara::loadDatabases;
namespace fs = std::filesystem;

namespace {

/// A scratch directory removed at the end of the test.
class DatabaseFiles : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = fs::temp_directory_path() /
          ("kara-dbfiles-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(Dir);
    fs::create_directories(Dir);
  }
  void TearDown() override { fs::remove_all(Dir); }

  std::string write(const std::string &Name, const std::string &Text) {
    fs::path P = Dir / Name;
    std::ofstream(P) << Text;
    return P.string();
  }
  /// Moves the file's modification time by `Seconds` (a save within one
  /// timestamp tick would otherwise look unchanged if its size is equal).
  static void touch(const std::string &Path, int Seconds) {
    fs::last_write_time(Path, fs::last_write_time(Path) +
                                  std::chrono::seconds(Seconds));
  }
  static std::vector<std::string> writes(const EffectsDatabase &DB,
                                         const std::string &Name) {
    const DatabaseEntry *E = DB.lookupFunction(Name);
    return E ? E->Writes : std::vector<std::string>{"<no entry>"};
  }

  fs::path Dir;
};

const char *WritesA = R"({"functions": {"lib::f": {"writes": ["A"]}}})";
const char *WritesB = R"({"functions": {"lib::f": {"writes": ["B"]}}})";
const char *WritesLonger =
    R"({"functions": {"lib::f": {"writes": ["Longer"]}}})";

} // namespace

TEST_F(DatabaseFiles, UnchangedFilesAreLoadedOnce) {
  std::string P = write("db.json", WritesA);
  std::string Error;
  auto First = loadDatabases(P, Error, /*WithBuiltin=*/false);
  EXPECT_EQ(Error, "");
  auto Second = loadDatabases(P, Error, /*WithBuiltin=*/false);
  EXPECT_EQ(First.get(), Second.get());
  EXPECT_EQ(writes(*First, "lib::f"), std::vector<std::string>{"A"});
}

TEST_F(DatabaseFiles, ReloadedWhenTheModificationTimeChanges) {
  std::string P = write("db.json", WritesA);
  std::string Error;
  auto Before = loadDatabases(P, Error, /*WithBuiltin=*/true);
  ASSERT_EQ(writes(*Before, "lib::f"), std::vector<std::string>{"A"});
  // Same size, another effect.
  write("db.json", WritesB);
  touch(P, 2);
  auto After = loadDatabases(P, Error, /*WithBuiltin=*/true);
  EXPECT_EQ(Error, "");
  EXPECT_EQ(writes(*After, "lib::f"), std::vector<std::string>{"B"});
  // The built-in entries stay.
  EXPECT_NE(After->lookupFunction("strlen"), nullptr);
  // Whoever still holds the old database keeps a valid one.
  EXPECT_EQ(writes(*Before, "lib::f"), std::vector<std::string>{"A"});
}

TEST_F(DatabaseFiles, ReloadedWhenTheSizeChanges) {
  std::string P = write("db.json", WritesA);
  auto Stamp = fs::last_write_time(P);
  std::string Error;
  auto Before = loadDatabases(P, Error, /*WithBuiltin=*/false);
  ASSERT_EQ(writes(*Before, "lib::f"), std::vector<std::string>{"A"});
  write("db.json", WritesLonger);
  fs::last_write_time(P, Stamp);
  auto After = loadDatabases(P, Error, /*WithBuiltin=*/false);
  EXPECT_EQ(writes(*After, "lib::f"), std::vector<std::string>{"Longer"});
}

TEST_F(DatabaseFiles, OneChangedFileOfAListReloadsTheList) {
  std::string P1 = write("one.json", WritesA);
  std::string P2 =
      write("two.json", R"({"functions": {"lib::g": {"reads": ["C"]}}})");
  std::string Error;
  auto Before = loadDatabases(P1 + ";" + P2, Error, /*WithBuiltin=*/false);
  ASSERT_NE(Before->lookupFunction("lib::g"), nullptr);
  write("two.json", R"({"functions": {"lib::h": {"reads": ["C"]}}})");
  touch(P2, 2);
  auto After = loadDatabases(P1 + ";" + P2, Error, /*WithBuiltin=*/false);
  EXPECT_EQ(After->lookupFunction("lib::g"), nullptr);
  EXPECT_NE(After->lookupFunction("lib::h"), nullptr);
  EXPECT_EQ(writes(*After, "lib::f"), std::vector<std::string>{"A"});
}

TEST_F(DatabaseFiles, ABrokenFileIsAnErrorUntilItIsFixed) {
  std::string P = write("db.json", R"({"functions": {"lib::f": {"writes": )");
  std::string Error;
  auto Broken = loadDatabases(P, Error, /*WithBuiltin=*/true);
  EXPECT_NE(Error.find(P), std::string::npos) << Error;
  EXPECT_NE(Error.find("not valid JSON"), std::string::npos) << Error;
  // Nothing of the file, the built-in database only.
  EXPECT_EQ(Broken->lookupFunction("lib::f"), nullptr);
  EXPECT_EQ(Broken->size(), EffectsDatabase::builtin().size());
  // Asked again unchanged: the same error, not silence.
  std::string Again;
  loadDatabases(P, Again, /*WithBuiltin=*/true);
  EXPECT_EQ(Again, Error);
  write("db.json", WritesA);
  touch(P, 2);
  std::string Fixed;
  auto Good = loadDatabases(P, Fixed, /*WithBuiltin=*/true);
  EXPECT_EQ(Fixed, "");
  EXPECT_EQ(writes(*Good, "lib::f"), std::vector<std::string>{"A"});
}

TEST_F(DatabaseFiles, AMissingFileIsAnErrorUntilItAppears) {
  std::string P = (Dir / "later.json").string();
  std::string Error;
  loadDatabases(P, Error, /*WithBuiltin=*/false);
  EXPECT_NE(Error.find("cannot open"), std::string::npos) << Error;
  write("later.json", WritesA);
  auto Loaded = loadDatabases(P, Error, /*WithBuiltin=*/false);
  EXPECT_EQ(Error, "");
  EXPECT_EQ(writes(*Loaded, "lib::f"), std::vector<std::string>{"A"});
}
