// kara::unique<T>: an owned value that nothing outside it references.
#ifndef KARA_UNIQUE_HPP
#define KARA_UNIQUE_HPP

#include <cassert>
#include <memory>
#include <type_traits>
#include <utility>

namespace kara {

template <class T> class unique;

template <class F>
unique<std::decay_t<std::invoke_result_t<F &>>> recover(F &&make);

template <class T> T unwrap(unique<T> &&u);

/// Owns a `T` that nothing outside it references (Pony's `iso`, Inko's
/// `uni T`), so it may cross a spawn boundary even if `T` holds pointers
/// (e.g. a graph with internal pointers). The `T` lives on the heap, so moving
/// a `unique` never moves the `T` and internal pointers stay valid.
/// Move-only; built only by `kara::recover`. Not thread-safe itself: one owner.
/// Example:
///     kara::unique<Graph> g = kara::recover([n] { return make_graph(n); });
///     auto h = kara::spawn([](kara::unique<Graph> g) { walk(g.get()); },
///                          std::move(g));
template <class T> class unique {
  static_assert(std::is_object_v<T> && !std::is_const_v<T>,
                "kara::unique<T> needs a non-const object type");

public:
  unique(const unique &) = delete;
  unique &operator=(const unique &) = delete;
  unique(unique &&) noexcept = default;
  unique &operator=(unique &&) noexcept = default;

  /// Borrows the value. The reference must not escape the owner (the
  /// kara-sendable check reports uses after the unique was sent).
  T &get() &noexcept {
    assert(value_ && "kara::unique used after it was moved from");
    return *value_;
  }
  const T &get() const &noexcept {
    assert(value_ && "kara::unique used after it was moved from");
    return *value_;
  }
  T *operator->() noexcept { return &get(); }
  const T *operator->() const noexcept { return &get(); }
  /// False after the unique was moved from or unwrapped.
  bool has_value() const noexcept { return value_ != nullptr; }

private:
  explicit unique(std::unique_ptr<T> v) noexcept : value_(std::move(v)) {}
  template <class F>
  friend unique<std::decay_t<std::invoke_result_t<F &>>> recover(F &&make);
  friend T unwrap<T>(unique<T> &&u);

  std::unique_ptr<T> value_;
};

/// Builds a `kara::unique` from what `make()` returns. `make` should capture
/// only sendable values, so that nothing else can reference the result. The
/// runtime checks what the type system can see (the result is an object type,
/// not a pointer or reference; a function pointer is fine); a lambda's
/// captures are invisible to C++ types, so `kara-tidy`'s kara-sendable check
/// verifies them. Thread-safe (runs `make` on the calling thread); rethrows
/// what `make` throws; cost: one heap allocation and a move of the result.
/// Example: `auto u = kara::recover([] { return std::vector<int>(10); });`
template <class F>
unique<std::decay_t<std::invoke_result_t<F &>>> recover(F &&make) {
  using R = std::invoke_result_t<F &>;
  static_assert(!std::is_reference_v<R>,
                "kara::recover: the callable must return a new value, not a "
                "reference to an existing object");
  static_assert(!std::is_pointer_v<std::decay_t<R>>,
                "kara::recover: the callable must return a value, not a raw "
                "pointer (the pointee could be referenced elsewhere)");
  static_assert(!std::is_pointer_v<std::decay_t<F>> ||
                    std::is_function_v<std::remove_pointer_t<std::decay_t<F>>>,
                "kara::recover: the callable is a pointer to data");
  using T = std::decay_t<R>;
  return unique<T>(std::make_unique<T>(make()));
}

/// Gives the value back; `u` is empty afterwards. Rethrows nothing; cost: a
/// move of `T` and a deallocation. Example: `Graph g =
/// kara::unwrap(std::move(u));`
template <class T> T unwrap(unique<T> &&u) {
  assert(u.value_ && "kara::unwrap of an empty kara::unique");
  std::unique_ptr<T> owned = std::move(u.value_);
  return std::move(*owned);
}

} // namespace kara

#endif // KARA_UNIQUE_HPP
