// Marks the ThreadSanitizer build of the runtime: <kara/runtime.hpp>
// references this symbol in translation units built with -fsanitize=thread,
// so they cannot link an uninstrumented runtime (docs/sanitizers.md).
#include <kara/runtime.hpp>

#ifdef KARA_DETAIL_TSAN
extern "C" const char kara_tsan_build_needs_libkara_runtime_tsan = 0;
#endif
