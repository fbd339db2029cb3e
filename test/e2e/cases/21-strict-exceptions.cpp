// Negative: with StrictExceptionOrder (default), a call that may throw is not
// run in parallel with a later statement that writes something.
// E2E-EXPECT: unchanged
#include <cstdio>
#include <stdexcept>

int journal = 0;

[[kara::reads(Remote)]] int fetch(int k) {
  if (k < 0)
    throw std::invalid_argument("negative key");
  return k * 7;
}
[[kara::writes(journal)]] void record(int k) noexcept { journal += k; }

int handle(int k) {
  int v = fetch(k);
  record(k);
  return v;
}

int main() {
  std::printf("%d\n", handle(3));
  try {
    handle(-1);
  } catch (const std::exception &e) {
    std::printf("error: %s\n", e.what());
  }
  std::printf("journal=%d\n", journal);
}
