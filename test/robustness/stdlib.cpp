// Robustness corpus: every C++20 standard library header of the toolchain's
// libstdc++ (GCC 12: no <format>, no <spanstream>/<stacktrace> which are C++23),
// with annotated functions whose bodies call deep into the library.
// EXPECT: warning: 'bump_global' .*Hits.*\[kara-effect-contract\]
// EXPECT: warning: 'parse_numbers' .*\[kara-effect-contract\]
#include <algorithm>
#include <any>
#include <array>
#include <atomic>
#include <barrier>
#include <bit>
#include <bitset>
#include <cassert>
#include <cctype>
#include <cerrno>
#include <cfenv>
#include <cfloat>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <climits>
#include <clocale>
#include <cmath>
#include <codecvt>
#include <compare>
#include <complex>
#include <concepts>
#include <condition_variable>
#include <coroutine>
#include <csetjmp>
#include <csignal>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <cuchar>
#include <cwchar>
#include <cwctype>
#include <deque>
#include <exception>
#include <execution>
#include <filesystem>
#if __has_include(<format>)
#include <format>
#endif
#include <forward_list>
#include <fstream>
#include <functional>
#include <future>
#include <initializer_list>
#include <iomanip>
#include <ios>
#include <iosfwd>
#include <iostream>
#include <istream>
#include <iterator>
#include <latch>
#include <limits>
#include <list>
#include <locale>
#include <map>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <new>
#include <numbers>
#include <numeric>
#include <optional>
#include <ostream>
#include <queue>
#include <random>
#include <ranges>
#include <ratio>
#include <regex>
#include <scoped_allocator>
#include <semaphore>
#include <set>
#include <shared_mutex>
#include <source_location>
#include <span>
#include <sstream>
#include <stack>
#include <stdexcept>
#include <stop_token>
#include <streambuf>
#include <string>
#include <string_view>
#include <syncstream>
#include <system_error>
#include <thread>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <valarray>
#include <variant>
#include <vector>
#include <version>

#include <kara/annotations.hpp>

int Hits;

[[kara::reads(Config)]] int bump_global() { return ++Hits; }

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
};

// A virtual call: unknown effects, outside what reads(Geometry) covers.
[[kara::reads(Geometry)]] double total_area(const std::vector<std::unique_ptr<Shape>> &v) {
  double sum = 0;
  for (const auto &s : v)
    sum += s->area();
  return sum;
}

// Regex, streams, algorithms, ranges: walks deep libstdc++ templates.
[[kara::pure]] std::vector<int> parse_numbers(const std::string &text) {
  std::vector<int> out;
  std::regex number("[0-9]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number);
       it != std::sregex_iterator(); ++it)
    out.push_back(std::stoi(it->str()));
  std::ranges::sort(out);
  auto evens = out | std::views::filter([](int x) { return x % 2 == 0; });
  std::printf("%d\n", static_cast<int>(std::ranges::distance(evens)));
  return out;
}

[[kara::pure]] auto make_adder(int k) {
  return [k]<typename T>(T x) { return x + static_cast<T>(k); };
}

[[kara::reads(Clock)]] long long elapsed_ms() {
  auto t0 = std::chrono::steady_clock::now();
  std::map<std::string, std::variant<int, double, std::string>> m;
  m["a"] = 1;
  m["b"] = std::string("x");
  std::visit([](auto &&) {}, m["a"]);
  std::optional<std::any> o = std::any(3);
  std::unordered_map<int, std::shared_ptr<std::deque<int>>> u;
  u[1] = std::make_shared<std::deque<int>>(3, 4);
  auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0).count() +
         make_adder(2)(3) + static_cast<long long>(u.size());
}

[[kara::writes(Log)]] void log_all(const std::vector<std::string> &lines) {
  std::ostringstream os;
  for (const auto &l : lines)
    os << std::quoted(l) << ' ' << std::filesystem::path(l).filename() << '\n';
  std::osyncstream(std::cout) << os.str();
  std::jthread t([] {});
}
