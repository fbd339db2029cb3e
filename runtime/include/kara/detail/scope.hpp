// Kept for compatibility: this header moved to <kara/scope.hpp> (public API
// lives outside detail/). New code includes <kara/scope.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_SCOPE_HPP
#define KARA_DETAIL_SCOPE_HPP
#include <kara/scope.hpp>
#endif // KARA_DETAIL_SCOPE_HPP
