// kara::sendable: values that may cross a spawn boundary (SPEC §6).
// kara-tidy's list of the same types is tool/lib/include/kara/Analysis/
// SendableTypes.def; test/unit/SendableTypesTest.cpp compares the two.
#ifndef KARA_SENDABLE_HPP
#define KARA_SENDABLE_HPP

#include "detail/config.hpp"

#include <array>
#include <bitset>
#include <chrono>
#include <complex>
#include <cstddef>
#include <deque>
#include <forward_list>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <stack>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace kara {

template <class T> class unique;

/// Opt-in for a class type: `template <> struct
/// kara::enable_sendable<Money> : std::true_type {};`. A class may instead
/// declare `using kara_sendable = void;` (what `[[kara::sendable]]` on the
/// class should be accompanied by; the attribute itself is checked by
/// kara-tidy, the runtime cannot see it). Opting in asserts that the type
/// holds no pointer, reference or shared_ptr to mutable data.
template <class T> struct enable_sendable : std::false_type {};

namespace detail {

template <class T, class = void>
struct has_sendable_member : std::false_type {};
template <class T>
struct has_sendable_member<T, std::void_t<typename T::kara_sendable>>
    : std::true_type {};

template <class T> struct sendable_impl;

template <class T>
inline constexpr bool sendable_v =
    !std::is_reference_v<T> && sendable_impl<std::remove_cv_t<T>>::value;

template <class... T>
using all_sendable = std::bool_constant<(sendable_v<T> && ...)>;

template <class T>
struct sendable_impl
    : std::bool_constant<std::is_arithmetic_v<T> || std::is_enum_v<T> ||
                         std::is_same_v<T, std::nullptr_t> ||
                         enable_sendable<T>::value ||
                         has_sendable_member<T>::value> {};

// Raw pointers are not sendable, except to functions (immutable code).
template <class T>
struct sendable_impl<T *> : std::bool_constant<std::is_function_v<T>> {};
template <class T, std::size_t N>
struct sendable_impl<T[N]> : all_sendable<T> {};

template <class C, class Tr, class A>
struct sendable_impl<std::basic_string<C, Tr, A>> : std::true_type {};
template <class T, class A>
struct sendable_impl<std::vector<T, A>> : all_sendable<T> {};
template <class T, class A>
struct sendable_impl<std::deque<T, A>> : all_sendable<T> {};
template <class T, class A>
struct sendable_impl<std::list<T, A>> : all_sendable<T> {};
template <class T, class A>
struct sendable_impl<std::forward_list<T, A>> : all_sendable<T> {};
template <class T, std::size_t N>
struct sendable_impl<std::array<T, N>> : all_sendable<T> {};
template <class K, class C, class A>
struct sendable_impl<std::set<K, C, A>> : all_sendable<K> {};
template <class K, class C, class A>
struct sendable_impl<std::multiset<K, C, A>> : all_sendable<K> {};
template <class K, class V, class C, class A>
struct sendable_impl<std::map<K, V, C, A>> : all_sendable<K, V> {};
template <class K, class V, class C, class A>
struct sendable_impl<std::multimap<K, V, C, A>> : all_sendable<K, V> {};
template <class K, class H, class E, class A>
struct sendable_impl<std::unordered_set<K, H, E, A>> : all_sendable<K> {};
template <class K, class H, class E, class A>
struct sendable_impl<std::unordered_multiset<K, H, E, A>> : all_sendable<K> {};
template <class K, class V, class H, class E, class A>
struct sendable_impl<std::unordered_map<K, V, H, E, A>> : all_sendable<K, V> {};
template <class K, class V, class H, class E, class A>
struct sendable_impl<std::unordered_multimap<K, V, H, E, A>>
    : all_sendable<K, V> {};
// Container adapters: what they hold decides (their container is built from
// the element type).
template <class T, class C>
struct sendable_impl<std::queue<T, C>> : all_sendable<T, C> {};
template <class T, class C>
struct sendable_impl<std::stack<T, C>> : all_sendable<T, C> {};
template <class T, class C, class Cmp>
struct sendable_impl<std::priority_queue<T, C, Cmp>> : all_sendable<T, C> {};
template <class A, class B>
struct sendable_impl<std::pair<A, B>> : all_sendable<A, B> {};
template <class... T>
struct sendable_impl<std::tuple<T...>> : all_sendable<T...> {};
template <class T> struct sendable_impl<std::optional<T>> : all_sendable<T> {};
template <class... T>
struct sendable_impl<std::variant<T...>> : all_sendable<T...> {};
template <> struct sendable_impl<std::monostate> : std::true_type {};
template <std::size_t N>
struct sendable_impl<std::bitset<N>> : std::true_type {};
template <class T> struct sendable_impl<std::complex<T>> : all_sendable<T> {};
template <class R, class P>
struct sendable_impl<std::chrono::duration<R, P>> : std::true_type {};
template <class C, class D>
struct sendable_impl<std::chrono::time_point<C, D>> : std::true_type {};
// Shared immutable data is fine; shared mutable data is what races.
template <class T>
struct sendable_impl<std::shared_ptr<T>>
    : std::bool_constant<std::is_const_v<T> &&
                         sendable_v<std::remove_const_t<T>>> {};
template <class T>
struct sendable_impl<std::weak_ptr<T>>
    : std::bool_constant<std::is_const_v<T> &&
                         sendable_v<std::remove_const_t<T>>> {};
template <class T> struct sendable_impl<unique<T>> : std::true_type {};

} // namespace detail

/// C++17-usable form of the `kara::sendable` concept.
template <class T> inline constexpr bool is_sendable_v = detail::sendable_v<T>;

#if KARA_HAS_CONCEPTS
/// Values that may cross a spawn boundary: arithmetic and enum types,
/// std::string, standard containers / pair / tuple / optional / variant of
/// sendable types, std::shared_ptr<const T> of sendable T, kara::unique<T>,
/// function pointers, and class types that opt in (kara::enable_sendable or a
/// member `using kara_sendable = void;`). Not: raw pointers to data,
/// references, std::shared_ptr to mutable data, std::unique_ptr (use
/// kara::unique), views (string_view, span), and any other class type.
template <class T>
concept sendable = is_sendable_v<T>;
#endif

namespace detail {

// One specialisation per position so the compiler's message names the
// offending argument.
template <std::size_t I, class T, bool Ok = is_sendable_v<T>>
struct spawn_arg_check : std::true_type {};

#define KARA_SENDABLE_HINT                                                     \
  " is not sendable (raw pointers, references and shared_ptr to mutable "      \
  "data cannot cross a spawn boundary; wrap it in kara::unique, pass a "       \
  "sendable copy, or opt the type in with kara::enable_sendable / "            \
  "'using kara_sendable = void;')"
#define KARA_SPAWN_ARG_CHECK(N)                                                \
  template <class T> struct spawn_arg_check<N, T, false> : std::true_type {    \
    static_assert(is_sendable_v<T>,                                            \
                  "kara::spawn: argument " #N KARA_SENDABLE_HINT);             \
  };
KARA_SPAWN_ARG_CHECK(1)
KARA_SPAWN_ARG_CHECK(2)
KARA_SPAWN_ARG_CHECK(3)
KARA_SPAWN_ARG_CHECK(4)
KARA_SPAWN_ARG_CHECK(5)
KARA_SPAWN_ARG_CHECK(6)
KARA_SPAWN_ARG_CHECK(7)
KARA_SPAWN_ARG_CHECK(8)
#undef KARA_SPAWN_ARG_CHECK
template <std::size_t I, class T>
struct spawn_arg_check<I, T, false> : std::true_type {
  static_assert(is_sendable_v<T>,
                "kara::spawn: an argument after the 8th" KARA_SENDABLE_HINT);
};
#undef KARA_SENDABLE_HINT

template <class... Args, std::size_t... I>
constexpr bool check_spawn_args(std::index_sequence<I...>) {
  return (spawn_arg_check<I + 1, std::decay_t<Args>>::value && ... && true);
}

} // namespace detail
} // namespace kara

#endif // KARA_SENDABLE_HPP
