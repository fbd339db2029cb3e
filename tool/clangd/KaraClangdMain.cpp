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
  return clang::clangd::clangdMain(argc, argv);
}
