// Kara's structured-concurrency runtime (SPEC §5, §6). See docs/runtime.md.
//
//   kara::par(f...)                 fork-join, results in order
//   kara::scope([&](kara::nursery &n) { n.spawn(f); ... })
//   kara::spawn(f, args...)         owned task, joined by its handle
//   kara::blocking(f), kara::spawn_blocking(f)
//   kara::with_timeout(d, f), kara::race(f...), kara::map(f, r),
//   kara::map_limited(f, r, n)
//   kara::for_each(r, f), kara::for_each_index(first, last, f),
//   kara::reduce_index(first, last, init, op, f), kara::reduce(r, init, op, f)
//   kara::this_task::{stop_requested, checkpoint, sleep_for}
//   kara::sendable / is_sendable_v, kara::unique, kara::recover, kara::unwrap
//
// The headers compile as C++17 (concepts are C++20-only); link Kara::runtime.
#ifndef KARA_RUNTIME_HPP
#define KARA_RUNTIME_HPP

#include "detail/config.hpp"

#include "detail/blocking.hpp"
#include "detail/cancel.hpp"
#include "detail/handle.hpp"
#include "detail/map.hpp"
#include "detail/par.hpp"
#include "detail/race.hpp"
#include "detail/result.hpp"
#include "detail/scheduler.hpp"
#include "detail/scope.hpp"
#include "detail/sendable.hpp"
#include "detail/spawn.hpp"
#include "detail/task_state.hpp"
#include "detail/timeout.hpp"
#include "detail/unique.hpp"

#include "for_each.hpp"

#endif // KARA_RUNTIME_HPP
