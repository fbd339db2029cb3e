#include "chain.h"
void f7(int n) { f8(n + 1); }
