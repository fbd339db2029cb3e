//===- DatabaseFiles.cpp - Effects databases loaded from files ------------===//

#include "kara/Analysis/DatabaseFiles.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

namespace kara {

namespace {
/// What a file looked like when it was read: a changed stamp means reload.
/// The stamp is taken before reading, so a write during the read shows up
/// as a change at the next call.
struct FileStamp {
  bool Exists = false;
  llvm::sys::TimePoint<> Modified;
  uint64_t Size = 0;

  bool operator==(const FileStamp &O) const {
    return std::tie(Exists, Modified, Size) ==
           std::tie(O.Exists, O.Modified, O.Size);
  }
};

FileStamp stampOf(const std::string &Path) {
  FileStamp S;
  llvm::sys::fs::file_status Status;
  if (llvm::sys::fs::status(Path, Status))
    return S;
  S.Exists = true;
  S.Modified = Status.getLastModificationTime();
  S.Size = Status.getSize();
  return S;
}

struct Loaded {
  std::vector<FileStamp> Stamps;
  std::shared_ptr<const EffectsDatabase> Database;
  std::string Error;
};
} // namespace

std::shared_ptr<const EffectsDatabase>
loadDatabases(const std::string &Files, std::string &Error, bool WithBuiltin) {
  std::string Normalised = Files;
  std::replace(Normalised.begin(), Normalised.end(), ',', ';');
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  llvm::StringRef(Normalised).split(Parts, ';', -1, false);
  std::vector<std::string> Paths;
  for (llvm::StringRef P : Parts)
    if (!P.trim().empty())
      Paths.push_back(P.trim().str());
  std::vector<FileStamp> Stamps;
  for (const std::string &P : Paths)
    Stamps.push_back(stampOf(P));

  static std::mutex Lock;
  static std::map<std::string, Loaded> Cache;
  std::lock_guard<std::mutex> Guard(Lock);
  Loaded &Entry = Cache[(WithBuiltin ? "builtin;" : "summaries;") + Files];
  if (!Entry.Database || Entry.Stamps != Stamps) {
    auto Empty = [&] {
      return WithBuiltin
                 ? std::make_shared<EffectsDatabase>(EffectsDatabase::builtin())
                 : std::make_shared<EffectsDatabase>();
    };
    std::shared_ptr<EffectsDatabase> DB = Empty();
    std::string LoadError;
    for (const std::string &P : Paths)
      if (!DB->addFile(P, LoadError))
        break;
    // A bad file adds nothing from any of the files.
    Entry.Database = LoadError.empty() ? DB : Empty();
    Entry.Error = LoadError;
    Entry.Stamps = std::move(Stamps);
  }
  Error = Entry.Error;
  return Entry.Database;
}

} // namespace kara
