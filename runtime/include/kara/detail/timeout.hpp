// Kept for compatibility: this header moved to <kara/timeout.hpp> (public API
// lives outside detail/). New code includes <kara/timeout.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_TIMEOUT_HPP
#define KARA_DETAIL_TIMEOUT_HPP
#include <kara/timeout.hpp>
#endif // KARA_DETAIL_TIMEOUT_HPP
