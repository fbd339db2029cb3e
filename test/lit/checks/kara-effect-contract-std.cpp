// RUN: %check_kara_tidy %s kara-effect-contract %t
// The built-in effects database covers what real code calls: standard
// exceptions, threads, mutexes, atomics, clocks, strings, owned memory,
// <filesystem>, <cstdio> on a FILE. Truthful annotations get no warning;
// effects the annotations miss are reported with the database as reason.

#include <kara/annotations.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

int Limit = 10;

// bug 09: throwing a standard exception is not `unknown`.
[[kara::reads(Limit)]] int check(int x) {
  if (x > Limit)
    throw std::runtime_error("too big");
  if (x < 0)
    throw std::out_of_range(std::string("negative: ") + std::to_string(x));
  return x;
}
[[kara::pure]] int parse(const std::string &s) {
  if (s.empty())
    throw std::invalid_argument("empty");
  try {
    return std::stoi(s);
  } catch (const std::logic_error &) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "parse");
  }
}

[[kara::pure]] unsigned workers() {
  return std::max(1u, std::thread::hardware_concurrency());
}

// A lock writes the mutex; an atomic operation writes the atomic.
std::mutex M;
std::atomic<long> Hits;
std::vector<int> Queue;
[[kara::writes(M, Queue, Hits)]] void enqueue(int v) {
  std::lock_guard<std::mutex> Lock(M);
  Queue.push_back(v);
  Hits.fetch_add(1, std::memory_order_relaxed);
}
[[kara::pure]] void enqueue_wrong(int v) {
  std::unique_lock<std::mutex> Lock(M);
  // CHECK-MESSAGES: :[[@LINE-2]]:21: warning: 'enqueue_wrong' writes(M), which its kara annotations do not declare; declared {} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-2]]:32: note: calls 'std::unique_lock::unique_lock', which writes(__m)
  // CHECK-MESSAGES: unique_lock.h:{{[0-9]+}}:{{[0-9]+}}: note: 'std::unique_lock::unique_lock' writes(__m) because of the parameter's type
  (void)v;
}

// Clocks are read; time arithmetic is pure.
[[kara::reads(kara::clock)]] long elapsed_ms() {
  auto Start = std::chrono::steady_clock::now();
  auto End = std::chrono::steady_clock::now();
  return std::chrono::duration_cast<std::chrono::milliseconds>(End - Start)
      .count();
}

// Strings and owned memory are private to the function.
[[kara::pure]] std::string describe(int v) {
  std::string Out = "v=" + std::to_string(v);
  auto Copy = std::make_unique<std::string>(Out);
  return *Copy + std::string(2, '!');
}

// The file system and FILE streams are I/O.
[[kara::reads(kara::io)]] bool has_config(const std::filesystem::path &P) {
  return std::filesystem::exists(P / "config.json");
}
[[kara::pure]] bool has_config_wrong(const std::filesystem::path &P) {
  return std::filesystem::is_regular_file(P);
  // CHECK-MESSAGES: :[[@LINE-2]]:21: warning: 'has_config_wrong' reads(kara::io), which its kara annotations do not declare; declared {reads(P)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: calls 'std::filesystem::is_regular_file', which reads(kara::io)
  // CHECK-MESSAGES: fs_ops.h:{{[0-9]+}}:{{[0-9]+}}: note: 'std::filesystem::is_regular_file' reads(kara::io) according to the effects database <builtin std.json>
}
[[kara::writes(kara::io)]] void log_line(const char *Text) {
  std::fwrite(Text, 1, std::char_traits<char>::length(Text), stderr);
  std::fflush(stderr);
}

// sscanf writes through its variadic pointers: no entry can name them.
[[kara::pure]] int scan(const char *Text) {
  int V = 0;
  std::sscanf(Text, "%d", &V);
  return V;
  // CHECK-MESSAGES: :[[@LINE-4]]:20: warning: 'scan' has effects its kara annotations cannot cover: it calls code whose effects are unknown; declared {reads(Text)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: calls 'sscanf', which has unknown effects
  // CHECK-MESSAGES: stdio.h:{{[0-9]+}}:{{[0-9]+}}: note: 'sscanf' has unknown effects according to the effects database <builtin std.json>
}
