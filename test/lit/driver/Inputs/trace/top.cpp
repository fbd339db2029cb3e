#include "api.h"
#include <kara/annotations.hpp>
std::vector<int> store;
[[kara::reads(store)]] void top() { f1(store); }
[[kara::pure]] int top2() { return g1() + 1; }
