// Kept for compatibility: this header moved to <kara/handle.hpp> (public API
// lives outside detail/). New code includes <kara/handle.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_HANDLE_HPP
#define KARA_DETAIL_HANDLE_HPP
#include <kara/handle.hpp>
#endif // KARA_DETAIL_HANDLE_HPP
