//===- KaraTidyMain.cpp - kara-tidy ---------------------------------------===//
//
// clang-tidy's own main with the kara module linked in, so NOLINT,
// .clang-tidy, -p, --fix and --export-fixes behave exactly as in clang-tidy.
//
// clang-tidy's built-in default is `clang-diagnostic-*,clang-analyzer-*`.
// kara-tidy runs `kara-*` instead when the user configured nothing: no
// --checks, --config, --config-file and no .clang-tidy above the working
// directory or the source files. Any configuration of the user's wins.
//
//===----------------------------------------------------------------------===//

#include "clang-tidy/tool/ClangTidyMain.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace kara {
extern volatile int KaraModuleAnchorSource;
}
// Keeps the kara module (and the attribute registrations) in the binary.
[[maybe_unused]] static int KaraModuleAnchorDestination =
    kara::KaraModuleAnchorSource;

static bool hasClangTidyFileAbove(llvm::StringRef Path) {
  llvm::SmallString<256> Dir(Path);
  llvm::sys::fs::make_absolute(Dir);
  if (!llvm::sys::fs::is_directory(Dir))
    llvm::sys::path::remove_filename(Dir);
  while (!Dir.empty()) {
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, ".clang-tidy");
    if (llvm::sys::fs::exists(Candidate))
      return true;
    llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
    if (Parent == Dir)
      break;
    Dir = Parent;
  }
  return false;
}

static bool userConfiguredChecks(int Argc, const char **Argv) {
  bool AfterDoubleDash = false;
  bool InlineConfig = false; // --config replaces the .clang-tidy lookup
  std::vector<llvm::StringRef> Sources;
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef Arg(Argv[I]);
    if (Arg == "--") {
      AfterDoubleDash = true;
      continue;
    }
    if (AfterDoubleDash)
      continue;
    llvm::StringRef Name = Arg.ltrim('-');
    if (Arg.starts_with("-") &&
        (Name == "config" || Name.starts_with("config=")))
      InlineConfig = true;
    if (!Arg.starts_with("-"))
      ; // a source file
    else if (Name.starts_with("checks") || Name.starts_with("config-file"))
      return true;
    // --config that only sets CheckOptions keeps the kara-* default.
    else if (Name.starts_with("config=") && Name.contains("Checks"))
      return true;
    else if (Name == "config" && I + 1 < Argc &&
             llvm::StringRef(Argv[I + 1]).contains("Checks"))
      return true;
    if (!Arg.starts_with("-"))
      Sources.push_back(Arg);
  }
  if (InlineConfig)
    return false;
  if (hasClangTidyFileAbove("."))
    return true;
  for (llvm::StringRef Source : Sources)
    if (llvm::sys::fs::exists(Source) && hasClangTidyFileAbove(Source))
      return true;
  return false;
}

/// clang-tidy reports a compilation database it cannot load and then goes on
/// without any flags, which in CI silently checks the wrong code. kara-tidy
/// makes it an error.
static bool compilationDatabaseLoads(int Argc, const char **Argv) {
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef Arg(Argv[I]);
    if (Arg == "--")
      break;
    std::string Dir;
    if ((Arg == "-p" || Arg == "--p") && I + 1 < Argc)
      Dir = Argv[I + 1];
    else if (Arg.consume_front("-p=") || Arg.consume_front("--p="))
      Dir = Arg.str();
    else
      continue;
    std::string Error;
    // A broken compile_commands.json right there is an error, even though
    // auto-detection would quietly use one in a parent directory instead.
    llvm::SmallString<256> File(Dir);
    llvm::sys::path::append(File, "compile_commands.json");
    if (llvm::sys::fs::exists(File)) {
      if (clang::tooling::JSONCompilationDatabase::loadFromFile(
              File, Error, clang::tooling::JSONCommandLineSyntax::AutoDetect))
        continue;
    } else if (clang::tooling::CompilationDatabase::autoDetectFromDirectory(
                   Dir, Error)) {
      continue;
    }
    llvm::errs()
        << "kara-tidy: error: cannot load a compilation database from '" << Dir
        << "': " << Error
        << "\n(configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON and "
           "pass the build directory)\n";
    return false;
  }
  return true;
}

int main(int Argc, const char **Argv) {
  if (!compilationDatabaseLoads(Argc, Argv))
    return 1;
  if (userConfiguredChecks(Argc, Argv))
    return clang::tidy::clangTidyMain(Argc, Argv);
  std::vector<const char *> Args(Argv, Argv + Argc);
  Args.insert(Args.begin() + 1, "--checks=-clang-analyzer-*,kara-*");
  return clang::tidy::clangTidyMain(static_cast<int>(Args.size()), Args.data());
}
