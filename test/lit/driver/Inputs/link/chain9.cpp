#include "chain.h"
void f9(int n) { f10(n + 1); }
