// Storage for a branch's result, filled by one thread and taken by another
// after a join; and the type computation for `par`'s tuple of non-void
// results.
#ifndef KARA_DETAIL_RESULT_HPP
#define KARA_DETAIL_RESULT_HPP

#include <array>
#include <cstddef>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

namespace kara {
namespace detail {

template <class R> class slot {
public:
  slot() = default;
  slot(slot &&o) noexcept(std::is_nothrow_move_constructible_v<R>)
      : value_(std::move(o.value_)) {}
  // Needs only a move constructor (results need not be assignable).
  slot &operator=(slot &&o) noexcept(std::is_nothrow_move_constructible_v<R>) {
    if (this != &o) {
      value_.reset();
      if (o.value_)
        value_.emplace(std::move(*o.value_));
    }
    return *this;
  }
  template <class F> void set_from(F &&f) { value_.emplace(f()); }
  bool has_value() const noexcept { return value_.has_value(); }
  R take() { return std::move(*value_); }

private:
  std::optional<R> value_;
};

template <class R> class slot<R &> {
public:
  template <class F> void set_from(F &&f) { ptr_ = &f(); }
  bool has_value() const noexcept { return ptr_ != nullptr; }
  R &take() noexcept { return *ptr_; }

private:
  R *ptr_ = nullptr;
};

template <class R> class slot<R &&> {
public:
  template <class F> void set_from(F &&f) { ptr_ = &f(); }
  bool has_value() const noexcept { return ptr_ != nullptr; }
  R &&take() noexcept { return static_cast<R &&>(*ptr_); }

private:
  R *ptr_ = nullptr;
};

template <> class slot<void> {
public:
  template <class F> void set_from(F &&f) {
    f();
    done_ = true;
  }
  bool has_value() const noexcept { return done_; }
  void take() noexcept {}

private:
  bool done_ = false;
};

template <class T> struct as_tuple { using type = std::tuple<T>; };
template <> struct as_tuple<void> { using type = std::tuple<>; };

template <class... R>
using nonvoid_tuple_t =
    decltype(std::tuple_cat(std::declval<typename as_tuple<R>::type>()...));

template <class... R> struct nonvoid_info {
  static constexpr std::size_t count =
      (std::size_t{0} + ... + (std::is_void_v<R> ? 0u : 1u));
  static constexpr std::array<std::size_t, count> make() {
    std::array<std::size_t, count> out{};
    constexpr bool is_void[] = {std::is_void_v<R>..., false};
    std::size_t k = 0;
    for (std::size_t i = 0; i < sizeof...(R); ++i)
      if (!is_void[i])
        out[k++] = i;
    return out;
  }
  static constexpr std::array<std::size_t, count> indices = make();
};

/// `par`'s result: void if every branch is void, else a tuple of the non-void
/// results in branch order (a single non-void branch gives a 1-tuple).
template <class... R>
using par_result_t = std::conditional_t<nonvoid_info<R...>::count == 0, void,
                                        nonvoid_tuple_t<R...>>;

template <class... R, std::size_t... J>
auto assemble_impl(std::tuple<slot<R>...> &slots, std::index_sequence<J...>) {
  using info = nonvoid_info<R...>;
  return nonvoid_tuple_t<R...>{std::get<info::indices[J]>(slots).take()...};
}

template <class... R> auto assemble(std::tuple<slot<R>...> &slots) {
  if constexpr (nonvoid_info<R...>::count == 0)
    return;
  else
    return assemble_impl(slots,
                         std::make_index_sequence<nonvoid_info<R...>::count>{});
}

} // namespace detail
} // namespace kara

#endif // KARA_DETAIL_RESULT_HPP
