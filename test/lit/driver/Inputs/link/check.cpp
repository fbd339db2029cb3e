// Checked with kara-tidy against the linked database: f1 (chain1.cpp)
// writes sink nine units away.
#include <kara/annotations.hpp>
void f1(int);
[[kara::pure]] void start() { f1(0); }
