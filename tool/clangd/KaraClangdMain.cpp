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
// clangd links every clang-tidy diagnostic to a page on LLVM's site
// (codeDescription.href), which does not exist for kara checks. Its LSP
// output therefore passes through a filter that points kara diagnostics at
// Kara's documentation instead: --kara-docs-base-url, else
// $KARA_DOCS_BASE_URL, else the docs installed next to the binary
// (<prefix>/share/doc/kara), else this source tree's docs/.
//
//===----------------------------------------------------------------------===//

#include "DriverSupport.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>

// clang-tools-extra/clangd/tool/ClangdMain.h is not installed by Debian; this
// is its one declaration (the symbol is in libclangdMain.a).
namespace clang {
namespace clangd {
int clangdMain(int argc, char *argv[]);
} // namespace clangd
} // namespace clang

namespace kara {
extern volatile int KaraModuleAnchorSource;
extern bool DiagnosticsForEditor;
} // namespace kara
// Keeps the kara module (and the attribute registrations) in the binary.
[[maybe_unused]] static int KaraModuleAnchorDestination =
    kara::KaraModuleAnchorSource;

// Parsed by clangd's own command line parser with its options.
static llvm::cl::opt<std::string> DocsBaseUrl(
    "kara-docs-base-url",
    llvm::cl::desc("Where kara diagnostics link to: the URL of Kara's docs/ "
                   "directory (default: $KARA_DOCS_BASE_URL, else the "
                   "installed documentation)"),
    llvm::cl::init(""));

namespace {

/// The base URL of Kara's docs/, ending in '/'.
std::string docsBase(const char *Argv0) {
  std::string Base = DocsBaseUrl;
  if (Base.empty())
    if (std::optional<std::string> Env =
            llvm::sys::Process::GetEnv("KARA_DOCS_BASE_URL"))
      Base = *Env;
  if (Base.empty()) {
    std::string Exe = llvm::sys::fs::getMainExecutable(
        Argv0, reinterpret_cast<void *>(&docsBase));
    llvm::SmallString<256> Installed(
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(Exe)));
    llvm::sys::path::append(Installed, "share", "doc", "kara");
    Base = "file://" + std::string(llvm::sys::fs::is_directory(Installed)
                                       ? llvm::StringRef(Installed)
                                       : llvm::StringRef(KARA_SOURCE_DOCS_DIR));
  }
  if (!llvm::StringRef(Base).ends_with("/"))
    Base += '/';
  return Base;
}

/// One LSP message body with kara diagnostics linked to Kara's docs.
std::string relink(llvm::StringRef Body, const std::string &Base) {
  llvm::Expected<llvm::json::Value> Message = llvm::json::parse(Body);
  if (!Message) {
    llvm::consumeError(Message.takeError());
    return Body.str();
  }
  llvm::json::Object *O = Message->getAsObject();
  if (!O || O->getString("method") != "textDocument/publishDiagnostics")
    return Body.str();
  llvm::json::Object *Params = O->getObject("params");
  llvm::json::Array *Diags = Params ? Params->getArray("diagnostics") : nullptr;
  if (!Diags)
    return Body.str();
  for (llvm::json::Value &D : *Diags) {
    llvm::json::Object *Diag = D.getAsObject();
    std::optional<llvm::StringRef> Code =
        Diag ? Diag->getString("code") : std::nullopt;
    if (!Code || !Code->starts_with("kara-"))
      continue;
    (*Diag)["codeDescription"] =
        llvm::json::Object{{"href", Base + "checks/" + Code->str() + ".md"}};
  }
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << *Message;
  return OS.str();
}

bool writeAll(int FD, llvm::StringRef Data) {
  while (!Data.empty()) {
    ssize_t N = ::write(FD, Data.data(), Data.size());
    if (N < 0)
      return false;
    Data = Data.drop_front(N);
  }
  return true;
}

/// Copies clangd's stdout (`In`) to the real one (`Out`), relinking every
/// LSP message; anything that is not LSP framing passes unchanged.
void filter(int In, int Out, const char *Argv0) {
  std::string Buffer, Base;
  char Chunk[65536];
  bool Lsp = true;
  while (true) {
    ssize_t N = ::read(In, Chunk, sizeof Chunk);
    if (N <= 0)
      break;
    // Only now has clangd parsed --kara-docs-base-url: it writes nothing
    // before.
    if (Base.empty())
      Base = docsBase(Argv0);
    Buffer.append(Chunk, N);
    while (Lsp && !Buffer.empty()) {
      llvm::StringRef View(Buffer);
      // A partial header waits for more input; anything else is not LSP.
      if (!llvm::StringRef("Content-Length:")
               .starts_with(View.take_front(15))) {
        Lsp = false;
        break;
      }
      size_t HeaderEnd = View.find("\r\n\r\n");
      if (HeaderEnd == llvm::StringRef::npos)
        break;
      unsigned long long Length = 0;
      if (View.substr(15, View.find("\r\n") - 15)
              .trim()
              .getAsInteger(10, Length)) {
        Lsp = false;
        break;
      }
      if (View.size() < HeaderEnd + 4 + Length)
        break;
      std::string Body = relink(View.substr(HeaderEnd + 4, Length), Base);
      std::string Header =
          "Content-Length: " + std::to_string(Body.size()) + "\r\n\r\n";
      if (!writeAll(Out, Header) || !writeAll(Out, Body))
        return;
      Buffer.erase(0, HeaderEnd + 4 + Length);
    }
    if (!Lsp) {
      if (!writeAll(Out, Buffer))
        return;
      Buffer.clear();
    }
  }
  writeAll(Out, Buffer);
}

std::thread *Filter = nullptr;

/// At exit (clangd may leave through exit()): end the pipe, let the filter
/// write what is left.
void finishFilter() {
  if (!Filter)
    return;
  std::fflush(stdout);
  ::close(STDOUT_FILENO);
  Filter->join();
  delete Filter;
  Filter = nullptr;
}

} // namespace

int main(int argc, char *argv[]) {
  bool Interactive = true; // LSP on stdio, not --check, --help, --version
  for (int I = 1; I < argc; ++I) {
    llvm::StringRef Arg(argv[I]);
    if (Arg == "--version" || Arg == "-version") {
      // clangd replaces LLVM's version printer with its own, so the Kara
      // version is printed first and clangd's follows.
      llvm::outs() << "kara-clangd (Kara for C++) version " << kara::KaraVersion
                   << "\n";
      llvm::outs().flush();
      Interactive = false;
    }
    if (Arg.starts_with("--check") || Arg.starts_with("-check") ||
        Arg.starts_with("--help") || Arg.starts_with("-help") || Arg == "-h")
      Interactive = false;
  }
  int Pipe[2];
  int RealOut = -1;
  if (Interactive && ::pipe(Pipe) == 0) {
    RealOut = ::dup(STDOUT_FILENO);
    ::dup2(Pipe[1], STDOUT_FILENO);
    ::close(Pipe[1]);
    Filter = new std::thread(filter, Pipe[0], RealOut, argv[0]);
    std::atexit(finishFilter);
  }
  kara::DiagnosticsForEditor = true;
  int Status = clang::clangd::clangdMain(argc, argv);
  finishFilter();
  return Status;
}
