//===- DatabaseFiles.h - Effects databases loaded from files ----*- C++ -*-===//
//
// The effects databases the checks name in their options, loaded once per
// list of files and reloaded when one of the files changes (its modification
// time or size, or whether it exists), so that a long-lived process
// (kara-clangd) sees an edited JSON file at the next parse without a
// restart.
//
//===----------------------------------------------------------------------===//
#ifndef KARA_ANALYSIS_DATABASEFILES_H
#define KARA_ANALYSIS_DATABASEFILES_H

#include "kara/Analysis/EffectsDatabase.h"

#include <memory>
#include <string>

namespace kara {

/// The files in `Files` (separated by `;` or `,`), on top of the built-in
/// database when `WithBuiltin`. Cached per distinct list; a cached database
/// is returned as long as no file changed since it was read, otherwise the
/// files are read again. On error returns the database without the files
/// and sets `Error` (clears it otherwise); the error is kept until a file
/// changes. Thread-safe: clangd parses units in parallel.
std::shared_ptr<const EffectsDatabase>
loadDatabases(const std::string &Files, std::string &Error, bool WithBuiltin);

} // namespace kara

#endif
