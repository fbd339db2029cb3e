//===- KaraClangdMain.cpp - kara-clangd -----------------------------------===//
//
// clangd with the kara checks built in: clangd's own main (Debian's
// libclangdMain.a) with the kara clang-tidy module and the [[kara::...]]
// attribute registration linked into the binary, so editors show the same
// kara-* diagnostics and fix-its as kara-tidy. Enable them in .clangd:
//
//   Diagnostics:
//     ClangTidy:
//       Add: ['kara-*']
//       FastCheckFilter: None
//
//===----------------------------------------------------------------------===//

#include "DriverSupport.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

// clang-tools-extra/clangd/tool/ClangdMain.h is not installed by Debian; this
// is its one declaration (the symbol is in libclangdMain.a).
namespace clang {
namespace clangd {
int clangdMain(int argc, char *argv[]);
} // namespace clangd
} // namespace clang

namespace kara {
extern volatile int KaraModuleAnchorSource;
}
// Keeps the kara module (and the attribute registrations) in the binary.
[[maybe_unused]] static int KaraModuleAnchorDestination =
    kara::KaraModuleAnchorSource;

int main(int argc, char *argv[]) {
  // clangd replaces LLVM's version printer with its own, so the Kara version
  // is printed first and clangd's follows.
  for (int I = 1; I < argc; ++I)
    if (llvm::StringRef(argv[I]) == "--version" ||
        llvm::StringRef(argv[I]) == "-version")
      llvm::outs() << "kara-clangd (Kara for C++) version " << kara::KaraVersion
                   << "\n";
  return clang::clangd::clangdMain(argc, argv);
}
