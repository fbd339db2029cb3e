//===- DriverSupport.h - What every kara program shares ---------*- C++ -*-===//
//
// The Kara version every program prints with --version, and the one
// argument adjustment that lets the Clang-based tools read a GCC build's
// compilation database (SPEC §7).
//
//===----------------------------------------------------------------------===//
#ifndef KARA_DRIVER_DRIVERSUPPORT_H
#define KARA_DRIVER_DRIVERSUPPORT_H

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

#ifndef KARA_VERSION
#error "KARA_VERSION is defined by tool/CMakeLists.txt"
#endif

namespace kara {

inline constexpr const char *KaraVersion = KARA_VERSION;

/// Adds "Kara for C++ version X" to LLVM's --version output (which goes on
/// to name the LLVM version the program is built against).
inline void addKaraVersionPrinter(const char *Program) {
  static const char *Name = Program;
  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &OS) {
    OS << Name << " (Kara for C++) version " << KaraVersion << "\n";
  });
}

/// --closed-hierarchies of kara-effects and kara-summarize (the
/// kara.ClosedHierarchies option of the checks), defined once so that the
/// two programs analyse alike. Call it during static initialisation, before
/// the command line is parsed.
inline llvm::cl::opt<bool> &
closedHierarchiesOption(llvm::cl::OptionCategory &Category) {
  static llvm::cl::opt<bool> Option(
      "closed-hierarchies",
      llvm::cl::desc("The class hierarchies are closed in each file: an "
                     "unannotated virtual call has the effects of the "
                     "overriders visible there (kara.ClosedHierarchies)"),
      llvm::cl::cat(Category));
  return Option;
}

/// Kara::annotations compiles GCC builds with -Wno-attributes=kara::, a flag
/// no Clang knows: with -Werror in the database every Clang tool would stop
/// at "unknown warning option". An analysis tool is not the compiler, so
/// GCC's warning switches are dropped before Clang sees them.
inline bool isGccOnlyWarningFlag(llvm::StringRef Arg) {
  return Arg.starts_with("-Wno-attributes=") ||
         Arg.starts_with("-Wattributes=");
}

inline clang::tooling::ArgumentsAdjuster gccFlagsAdjuster() {
  return [](const clang::tooling::CommandLineArguments &Args, llvm::StringRef) {
    clang::tooling::CommandLineArguments Out;
    for (const std::string &A : Args)
      if (!isGccOnlyWarningFlag(A))
        Out.push_back(A);
    return Out;
  };
}

/// The value of -p / --p, if given before `--`.
inline std::optional<std::string> buildPathArgument(int Argc,
                                                    const char **Argv) {
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef Arg(Argv[I]);
    if (Arg == "--")
      break;
    if ((Arg == "-p" || Arg == "--p") && I + 1 < Argc)
      return std::string(Argv[I + 1]);
    if (Arg.consume_front("-p=") || Arg.consume_front("--p="))
      return Arg.str();
  }
  return std::nullopt;
}

inline bool hasFlagsAfterDoubleDash(int Argc, const char **Argv) {
  for (int I = 1; I < Argc; ++I)
    if (llvm::StringRef(Argv[I]) == "--")
      return true;
  return false;
}

/// LibTooling quietly analyses with no flags at all when it finds no
/// compilation database, which checks code other than what is built. The
/// kara programs make that an error: with no flags after `--`, the database
/// of -p (or, without -p, one above each file) must load. Prints the error
/// and returns false otherwise.
/// `HasFlags`: the command line had `--` (CommonOptionsParser removes it).
inline bool requireCompilationDatabase(const char *Program, int Argc,
                                       const char **Argv,
                                       llvm::ArrayRef<std::string> Files,
                                       bool HasFlags) {
  if (HasFlags)
    return true;
  std::string Error;
  if (std::optional<std::string> Dir = buildPathArgument(Argc, Argv)) {
    // A broken compile_commands.json right there is an error, even though
    // auto-detection would quietly use one in a parent directory instead.
    llvm::SmallString<256> File(*Dir);
    llvm::sys::path::append(File, "compile_commands.json");
    if (llvm::sys::fs::exists(File)) {
      if (clang::tooling::JSONCompilationDatabase::loadFromFile(
              File, Error, clang::tooling::JSONCommandLineSyntax::AutoDetect))
        return true;
    } else if (clang::tooling::CompilationDatabase::autoDetectFromDirectory(
                   *Dir, Error)) {
      return true;
    }
    llvm::errs() << Program
                 << ": error: cannot load a compilation database from '" << *Dir
                 << "': " << Error
                 << "\n(configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON and "
                    "pass the build directory, or give flags after --)\n";
    return false;
  }
  for (const std::string &File : Files) {
    if (clang::tooling::CompilationDatabase::autoDetectFromSource(File, Error))
      continue;
    llvm::errs() << Program << ": error: no compilation database for '" << File
                 << "': pass -p <build directory> or compiler flags "
                 << "after --\n";
    return false;
  }
  return true;
}

/// Every file named on the command line exists (LibTooling would report
/// each one late, after analysing the others).
inline bool requireInputs(const char *Program,
                          llvm::ArrayRef<std::string> Files) {
  bool Ok = true;
  for (const std::string &File : Files)
    if (!llvm::sys::fs::exists(File)) {
      llvm::errs() << Program << ": error: no such file: '" << File << "'\n";
      Ok = false;
    }
  return Ok;
}

} // namespace kara

#endif
