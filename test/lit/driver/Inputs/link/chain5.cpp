#include "chain.h"
void f5(int n) { f6(n + 1); }
