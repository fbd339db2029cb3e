#include "chain.h"
void f2(int n) { f3(n + 1); }
