#include "chain.h"
void f3(int n) { f4(n + 1); }
