// Kept for compatibility: this header moved to <kara/unique.hpp> (public API
// lives outside detail/). New code includes <kara/unique.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_UNIQUE_HPP
#define KARA_DETAIL_UNIQUE_HPP
#include <kara/unique.hpp>
#endif // KARA_DETAIL_UNIQUE_HPP
