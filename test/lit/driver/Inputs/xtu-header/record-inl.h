// Compiled mode of a header-or-compiled library (fmt's format-inl.h,
// spdlog's *-inl.h): these definitions are not inline, so their one
// definition is in the unit that includes this header.
#pragma once
#include "api.h"
int audit_log;
int hits;
void record() { audit_log = 1; }
inline void bump_inline() { ++hits; }
static void hidden() { ++hits; }
template <class T> void generic(T) { ++hits; }
inline void use() {
  hidden();
  generic(1);
}
