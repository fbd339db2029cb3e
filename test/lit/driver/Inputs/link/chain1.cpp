#include "chain.h"
void f1(int n) { f2(n + 1); }
