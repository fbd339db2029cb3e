// Declarations shared by the runtime's source files (not installed).
#ifndef KARA_SRC_INTERNAL_HPP
#define KARA_SRC_INTERNAL_HPP

#include <kara/runtime.hpp>

#include <chrono>

namespace kara::detail {

parker *this_thread_parker() noexcept;
void park(parker *p) noexcept;
/// Returns when unparked or at `deadline` (spurious returns possible).
void park_until(parker *p, clock::time_point deadline) noexcept;

/// Worker-side wait used by sleep_until: helps until `c` is done.
bool wait_helping(completion &c) noexcept; // false if not on a worker

// Lifetimes of the helper threads, driven by the pool's start and shutdown.
void blocking_shutdown() noexcept;
void timer_shutdown() noexcept;
void trace_start() noexcept;
void trace_thread_name(const char *kind, unsigned index) noexcept;
void trace_shutdown() noexcept;

} // namespace kara::detail

#endif // KARA_SRC_INTERNAL_HPP
