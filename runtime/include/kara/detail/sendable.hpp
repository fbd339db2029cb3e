// Kept for compatibility: this header moved to <kara/sendable.hpp> (public API
// lives outside detail/). New code includes <kara/sendable.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_SENDABLE_HPP
#define KARA_DETAIL_SENDABLE_HPP
#include <kara/sendable.hpp>
#endif // KARA_DETAIL_SENDABLE_HPP
