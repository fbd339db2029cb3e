// Kept for compatibility: this header moved to <kara/cancel.hpp> (public API
// lives outside detail/). New code includes <kara/cancel.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_CANCEL_HPP
#define KARA_DETAIL_CANCEL_HPP
#include <kara/cancel.hpp>
#endif // KARA_DETAIL_CANCEL_HPP
