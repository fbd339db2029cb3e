//===- KaraTidyMain.cpp - kara-tidy ---------------------------------------===//
//
// clang-tidy's own main with the kara module linked in, so NOLINT,
// .clang-tidy, -p, --fix and --export-fixes behave exactly as in clang-tidy.
//
// clang-tidy's built-in default is `clang-diagnostic-*,clang-analyzer-*`.
// kara-tidy runs `kara-*` instead when the user chose no checks: no
// --checks, and no --config, --config-file or .clang-tidy that sets
// `Checks`. Any choice of checks of the user's wins.
//
//===----------------------------------------------------------------------===//

#include "DriverSupport.h"

#include "clang-tidy/ClangTidyOptions.h"
#include "clang-tidy/tool/ClangTidyMain.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace kara {
extern volatile int KaraModuleAnchorSource;
}
// Keeps the kara module (and the attribute registrations) in the binary.
[[maybe_unused]] static int KaraModuleAnchorDestination =
    kara::KaraModuleAnchorSource;

/// The YAML `Text` sets `Checks` (an unparsable file counts as setting it:
/// clang-tidy reports the error and the user's intent is unknown).
static bool configSetsChecks(llvm::StringRef Text) {
  llvm::ErrorOr<clang::tidy::ClangTidyOptions> Options =
      clang::tidy::parseConfiguration(llvm::MemoryBufferRef(Text, "config"));
  return !Options || Options->Checks.has_value();
}

/// Whether the .clang-tidy files clang-tidy reads for `Path` set `Checks`:
/// the nearest one above it, and its parents while each says
/// InheritParentConfig (FileOptionsProvider's lookup).
static bool clangTidyFilesSetChecks(llvm::StringRef Path) {
  llvm::SmallString<256> Dir(Path);
  llvm::sys::fs::make_absolute(Dir);
  llvm::sys::path::remove_dots(Dir, /*remove_dot_dot=*/true);
  if (!llvm::sys::fs::is_directory(Dir))
    llvm::sys::path::remove_filename(Dir);
  while (!Dir.empty()) {
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, ".clang-tidy");
    if (auto Buffer = llvm::MemoryBuffer::getFile(Candidate)) {
      llvm::StringRef Text = (*Buffer)->getBuffer();
      if (configSetsChecks(Text))
        return true;
      auto Options = clang::tidy::parseConfiguration(
          llvm::MemoryBufferRef(Text, Candidate));
      if (!Options || !Options->InheritParentConfig.value_or(false))
        return false;
    }
    llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
    if (Parent == Dir)
      break;
    Dir = Parent;
  }
  return false;
}

/// True if the user chose the checks: --checks, or a --config,
/// --config-file or .clang-tidy that sets `Checks`. Configuration that only
/// sets options (CheckOptions, WarningsAsErrors, HeaderFilterRegex...)
/// keeps the kara-* default, as clang-tidy keeps its own default then.
static bool userConfiguredChecks(int Argc, const char **Argv) {
  bool ConfigReplacesFiles = false; // --config(-file) replaces .clang-tidy
  std::vector<llvm::StringRef> Sources;
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef Arg(Argv[I]);
    if (Arg == "--")
      break;
    if (!Arg.starts_with("-")) {
      Sources.push_back(Arg);
      continue;
    }
    llvm::StringRef Name = Arg.ltrim('-');
    // Options whose value may be the next argument: that is no source.
    if (llvm::is_contained({"p", "export-fixes", "header-filter",
                            "exclude-header-filter", "line-filter", "extra-arg",
                            "extra-arg-before", "load", "vfsoverlay",
                            "format-style", "store-check-profile",
                            "warnings-as-errors"},
                           Name)) {
      ++I;
      continue;
    }
    auto Value = [&](llvm::StringRef Option) -> std::optional<std::string> {
      if (Name.consume_front(Option)) {
        if (Name.consume_front("="))
          return Name.str();
        if (Name.empty() && I + 1 < Argc)
          return std::string(Argv[++I]);
      }
      return std::nullopt;
    };
    if (Name == "checks" || Name.starts_with("checks="))
      return true;
    if (std::optional<std::string> File = Value("config-file")) {
      ConfigReplacesFiles = true;
      auto Buffer = llvm::MemoryBuffer::getFile(*File);
      if (!Buffer || configSetsChecks((*Buffer)->getBuffer()))
        return true;
      continue;
    }
    if (std::optional<std::string> Text = Value("config")) {
      ConfigReplacesFiles = true;
      if (configSetsChecks(*Text))
        return true;
    }
  }
  if (ConfigReplacesFiles)
    return false;
  if (Sources.empty())
    return clangTidyFilesSetChecks(".");
  for (llvm::StringRef Source : Sources)
    if (clangTidyFilesSetChecks(Source))
      return true;
  return false;
}

using kara::buildPathArgument;

int main(int Argc, const char **Argv) {
  kara::addKaraVersionPrinter("kara-tidy");
  // clang-tidy reports a -p database it cannot load and goes on without
  // any flags, which in CI silently checks the wrong code: an error here.
  if (buildPathArgument(Argc, Argv) &&
      !kara::requireCompilationDatabase("kara-tidy", Argc, Argv, {},
                                        /*HasFlags=*/false))
    return 1;
  std::vector<const char *> Args(Argv, Argv + Argc);
  // GCC databases: see kara::isGccOnlyWarningFlag. clangTidyMain offers no
  // argument adjuster, so the warning about them is switched off instead.
  Args.insert(Args.begin() + 1, "--extra-arg=-Wno-unknown-warning-option");
  if (!userConfiguredChecks(Argc, Argv))
    Args.insert(Args.begin() + 1, "--checks=-clang-analyzer-*,kara-*");
  return clang::tidy::clangTidyMain(static_cast<int>(Args.size()), Args.data());
}
