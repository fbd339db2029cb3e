// Kept for compatibility: this header moved to <kara/map.hpp> (public API
// lives outside detail/). New code includes <kara/map.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_MAP_HPP
#define KARA_DETAIL_MAP_HPP
#include <kara/map.hpp>
#endif // KARA_DETAIL_MAP_HPP
