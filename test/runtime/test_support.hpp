#ifndef KARA_TEST_SUPPORT_HPP
#define KARA_TEST_SUPPORT_HPP

#include <chrono>
#include <cstddef>

// Sanitized builds run 5-20x slower: scale stress sizes and time limits.
#if defined(KARA_TEST_SANITIZER)
constexpr std::size_t kStressScale = 10;
constexpr double kTimeSlack = 4.0;
#else
constexpr std::size_t kStressScale = 1;
constexpr double kTimeSlack = 1.0;
#endif

using namespace std::chrono_literals;
using test_clock = std::chrono::steady_clock;

inline double ms_since(test_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(test_clock::now() - start)
      .count();
}

#endif
