// Kept for compatibility: this header moved to <kara/race.hpp> (public API
// lives outside detail/). New code includes <kara/race.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_RACE_HPP
#define KARA_DETAIL_RACE_HPP
#include <kara/race.hpp>
#endif // KARA_DETAIL_RACE_HPP
