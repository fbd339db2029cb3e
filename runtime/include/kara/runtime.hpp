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
//   kara::actor<T> (send/ask/call), kara::future/promise/result, poll,
//   select, as_completed, join_protected, kara::channel<T>, kara::mutex,
//   shared_mutex, semaphore, condition_variable, barrier, latch, once,
//   kara::sleep_for/sleep_until, kara::abort   (docs/actors.md)
//   kara::process, link, monitor, exit_reason, registry, server<T>, start,
//   agent, supervisor, worker, start_task, event_manager
//                                               (docs/supervision.md)
//
// The headers compile as C++17 (concepts are C++20-only); link Kara::runtime.
#ifndef KARA_RUNTIME_HPP
#define KARA_RUNTIME_HPP

#include "detail/config.hpp"

#include "blocking.hpp"
#include "cancel.hpp"
#include "detail/result.hpp"
#include "detail/scheduler.hpp"
#include "detail/task_state.hpp"
#include "handle.hpp"
#include "map.hpp"
#include "par.hpp"
#include "race.hpp"
#include "scope.hpp"
#include "sendable.hpp"
#include "spawn.hpp"
#include "timeout.hpp"
#include "unique.hpp"

#include "abort.hpp"
#include "actor.hpp"
#include "channel.hpp"
#include "for_each.hpp"
#include "future.hpp"
#include "sleep.hpp"
#include "sync.hpp"

#include "event.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "server.hpp"
#include "supervisor.hpp"
#include "task.hpp"

// A translation unit built with ThreadSanitizer needs the runtime built with
// it (libkara_runtime_tsan.a, docs/sanitizers.md): TSan cannot see the
// synchronisation inside an uninstrumented runtime and reports races that are
// not there. Only the instrumented runtime defines this symbol, so linking the
// wrong one fails with an error that names it.
#if defined(__SANITIZE_THREAD__)
#define KARA_DETAIL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KARA_DETAIL_TSAN 1
#endif
#endif
#ifdef KARA_DETAIL_TSAN
extern "C" const char kara_tsan_build_needs_libkara_runtime_tsan;
namespace kara::detail {
[[gnu::used]] static const char *const tsan_runtime_check =
    &kara_tsan_build_needs_libkara_runtime_tsan;
} // namespace kara::detail
#endif

#endif // KARA_RUNTIME_HPP
