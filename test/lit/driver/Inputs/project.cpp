#include <kara/annotations.hpp>

[[kara::writes(Log)]] void log_line(int v);

[[kara::pure]] int twice(int v) {
  log_line(v);
  return 2 * v;
}

[[kara::writes(ouput)]] void fill(int &output);

int null_deref() {
  int *p = nullptr;
  return *p;
}
