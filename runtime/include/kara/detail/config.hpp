// Compiler/feature switches shared by the runtime headers. The headers must
// compile as C++17 (the rewriting tool includes them into C++17 translation
// units); C++20-only features are guarded here.
#ifndef KARA_DETAIL_CONFIG_HPP
#define KARA_DETAIL_CONFIG_HPP

#if __cplusplus < 201703L
#error "<kara/runtime.hpp> needs C++17 or later"
#endif

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
#define KARA_HAS_CONCEPTS 1
#else
#define KARA_HAS_CONCEPTS 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define KARA_LIKELY(x) __builtin_expect(!!(x), 1)
#define KARA_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define KARA_NOINLINE __attribute__((noinline))
#else
#define KARA_LIKELY(x) (x)
#define KARA_UNLIKELY(x) (x)
#define KARA_NOINLINE
#endif

#endif // KARA_DETAIL_CONFIG_HPP
