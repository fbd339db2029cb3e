#include <kara/annotations.hpp>

[[kara::writes(Log)]] void log_line(int v);
[[kara::reads(Config)]] int config();
int legacy_call(int);

// Two undeclared effects in one function.
[[kara::pure]] int both(int v) {
  log_line(config());
  return v;
}
[[kara::pure]] int uses_legacy(int v) { return legacy_call(v); }
