// Kept for compatibility: this header moved to <kara/par.hpp> (public API
// lives outside detail/). New code includes <kara/par.hpp> or
// <kara/runtime.hpp>.
#ifndef KARA_DETAIL_PAR_HPP
#define KARA_DETAIL_PAR_HPP
#include <kara/par.hpp>
#endif // KARA_DETAIL_PAR_HPP
