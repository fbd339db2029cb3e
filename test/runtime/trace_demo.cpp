// Runs a known set of tasks so that check_trace.cmake can verify the trace:
// parallel par branches, scope tasks and a blocking job.
#include <kara/runtime.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

int main() {
  // Each par starts from main with idle workers, so it takes the parallel
  // path and its second branch is a task.
  for (int i = 0; i < 4; ++i)
    kara::par(
        [] { std::this_thread::sleep_for(std::chrono::milliseconds(1)); },
        [] { std::this_thread::sleep_for(std::chrono::milliseconds(1)); });
  kara::scope([](kara::nursery &n) {
    for (int i = 0; i < 8; ++i)
      (void)n.spawn(
          [] { std::this_thread::sleep_for(std::chrono::milliseconds(1)); });
  });
  kara::blocking(
      [] { std::this_thread::sleep_for(std::chrono::milliseconds(1)); });
  std::puts("done");
  return 0;
}
