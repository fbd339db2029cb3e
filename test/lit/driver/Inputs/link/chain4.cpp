#include "chain.h"
void f4(int n) { f5(n + 1); }
