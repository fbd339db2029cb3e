// kara::registry: names for processes (Erlang's register/whereis). The name
// is released when the process ends. See docs/supervision.md.
#ifndef KARA_REGISTRY_HPP
#define KARA_REGISTRY_HPP

#include "process.hpp"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace kara {

/// Thrown by `registry::put` when the name is held by a live process.
class name_taken : public std::runtime_error {
public:
  explicit name_taken(const std::string &name)
      : std::runtime_error("kara::registry: the name '" + name +
                           "' is already registered") {}
};

namespace registry {

/// Names `p`. Throws `kara::name_taken` if another live process holds the
/// name, std::invalid_argument if `p` is invalid, has exited or already has
/// a name. The name is released (before monitors fire, so a supervisor can
/// register the restarted child under it) when `p` ends. Thread-safe (one
/// global lock); cost: a hash map insert. Example:
///     kara::registry::put("counter", counter);
void put(const std::string &name, const process &p);
/// The live process of that name, if any (a process that has just ended
/// may still be returned; calls to it throw kara::process_exited).
/// Thread-safe. Example: `if (auto p = kara::registry::find("counter")) ...`
std::optional<process> find(const std::string &name);
/// Removes the name; true if it was registered. Thread-safe.
bool erase(const std::string &name) noexcept;
/// Number of names registered. Thread-safe.
std::size_t size() noexcept;

} // namespace registry
} // namespace kara

#endif // KARA_REGISTRY_HPP
