// Read into kara-clangd's precompiled preamble: the kara annotation here must
// survive it for the main file's contract check to see writes(UserDB).
#include <kara/annotations.hpp>
KARA_WRITES(UserDB) void save_profile(int id);
