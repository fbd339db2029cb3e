#include "chain.h"
int sink;
void f10(int n) { sink = n; }
