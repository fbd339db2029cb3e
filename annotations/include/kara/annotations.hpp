// Kara effect annotations.
//
// The tools (kara-tidy, kara-clangd, the clang-tidy plugin) read the standard
// attribute spelling directly:
//
//   [[kara::reads(UserDB)]]          Profile fetch_profile(UserId id);
//   [[kara::writes(DB::Users)]]      void save(const Profile &p);
//   [[kara::pure]]                   int add(int a, int b);
//
// The macros below are the same attributes for code bases that prefer macros;
// the tools understand them, including inside user macros that wrap them.
//
// Plain compilers ignore attributes of an unknown namespace but warn about
// them. Link the CMake target Kara::annotations to silence exactly those
// warnings (GCC: -Wno-attributes=kara::, Clang 19: the kara attribute plugin),
// or define KARA_NO_ANNOTATIONS to make the macros expand to nothing.
#ifndef KARA_ANNOTATIONS_HPP
#define KARA_ANNOTATIONS_HPP

#if defined(KARA_NO_ANNOTATIONS)
#define KARA_READS(...)
#define KARA_WRITES(...)
#define KARA_PURE
#define KARA_SENDABLE
#else
/// May read the resources named in the arguments.
#define KARA_READS(...) [[kara::reads(__VA_ARGS__)]]
/// May read and write the resources named in the arguments.
#define KARA_WRITES(...) [[kara::writes(__VA_ARGS__)]]
/// Touches no resource; only its parameters.
#define KARA_PURE [[kara::pure]]
/// Marks a class whose values may cross a spawn boundary.
#define KARA_SENDABLE [[kara::sendable]]
#endif

#endif // KARA_ANNOTATIONS_HPP
