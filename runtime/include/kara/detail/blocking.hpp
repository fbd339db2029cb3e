// Kept for compatibility: this header moved to <kara/blocking.hpp> (public API
// lives outside detail/). New code includes <kara/blocking.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_BLOCKING_HPP
#define KARA_DETAIL_BLOCKING_HPP
#include <kara/blocking.hpp>
#endif // KARA_DETAIL_BLOCKING_HPP
