// Kept for compatibility: this header moved to <kara/spawn.hpp> (public API
// lives outside detail/). New code includes <kara/spawn.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_SPAWN_HPP
#define KARA_DETAIL_SPAWN_HPP
#include <kara/spawn.hpp>
#endif // KARA_DETAIL_SPAWN_HPP
