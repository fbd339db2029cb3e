#include "chain.h"
void f6(int n) { f7(n + 1); }
