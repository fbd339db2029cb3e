// KARA_TRACE=file.json: every executed task becomes a Chrome "complete" (X)
// event; written once at shutdown. Each thread appends to its own buffer, so
// recording takes no lock.
#include "internal.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kara::detail {

std::atomic<bool> g_trace_enabled{false};

namespace {

struct trace_event {
  const char *name;
  int index;
  std::int64_t start_ns;
  std::int64_t end_ns;
};

struct thread_buffer {
  int tid = 0;
  std::string thread_name;
  std::vector<trace_event> events;
};

constexpr std::size_t max_events_per_thread = 4'000'000;

struct trace_state {
  std::mutex mutex;
  std::string path;
  std::vector<std::unique_ptr<thread_buffer>> buffers;
  int next_tid = 1;
  clock::time_point origin = clock::now();
};

trace_state &state() {
  static auto *s = new trace_state; // immortal: threads may record late
  return *s;
}

thread_local thread_buffer *tls_buffer = nullptr;

thread_buffer &my_buffer() {
  if (tls_buffer == nullptr) {
    auto &s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.buffers.push_back(std::make_unique<thread_buffer>());
    tls_buffer = s.buffers.back().get();
    tls_buffer->tid = s.next_tid++;
    tls_buffer->thread_name = "thread";
  }
  return *tls_buffer;
}

void write_escaped(std::FILE *f, const std::string &s) {
  for (char c : s) {
    if (c == '"' || c == '\\')
      std::fputc('\\', f);
    if (static_cast<unsigned char>(c) >= 0x20)
      std::fputc(c, f);
  }
}

} // namespace

void trace_start() noexcept {
  const char *path = std::getenv("KARA_TRACE");
  if (path == nullptr || *path == '\0')
    return;
  auto &s = state();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.path = path;
    s.origin = clock::now();
  }
  g_trace_enabled.store(true, std::memory_order_relaxed);
}

std::int64_t trace_now() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() -
                                                              state().origin)
      .count();
}

void trace_record(const char *name, int index, std::int64_t start_ns,
                  std::int64_t end_ns) noexcept {
  thread_buffer &b = my_buffer();
  if (b.events.size() < max_events_per_thread)
    b.events.push_back({name, index, start_ns, end_ns});
}

void trace_thread_name(const char *kind, unsigned index) noexcept {
  if (!trace_enabled())
    return;
  thread_buffer &b = my_buffer();
  b.thread_name = std::string("kara ") + kind + " " + std::to_string(index);
}

void trace_shutdown() noexcept {
  if (!g_trace_enabled.exchange(false))
    return;
  auto &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  std::FILE *f = std::fopen(s.path.c_str(), "w");
  if (f == nullptr) {
    std::fprintf(stderr, "kara: cannot write trace to %s\n", s.path.c_str());
    return;
  }
  std::fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", f);
  bool first = true;
  auto sep = [&] {
    if (!first)
      std::fputs(",\n", f);
    first = false;
  };
  for (auto &b : s.buffers) {
    sep();
    std::fprintf(f,
                 "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,"
                 "\"args\":{\"name\":\"",
                 b->tid);
    write_escaped(f, b->thread_name);
    std::fputs("\"}}", f);
    for (const trace_event &e : b->events) {
      sep();
      std::fputs("{\"name\":\"", f);
      write_escaped(f, e.name);
      std::fprintf(f,
                   "\",\"cat\":\"kara\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,"
                   "\"pid\":1,\"tid\":%d,\"args\":{\"index\":%d}}",
                   static_cast<double>(e.start_ns) / 1000.0,
                   static_cast<double>(e.end_ns - e.start_ns) / 1000.0, b->tid,
                   e.index);
    }
  }
  std::fputs("]}\n", f);
  std::fclose(f);
}

} // namespace kara::detail
