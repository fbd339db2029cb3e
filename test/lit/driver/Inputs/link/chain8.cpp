#include "chain.h"
void f8(int n) { f9(n + 1); }
