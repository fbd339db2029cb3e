#include "counter.h"
int counter;
void count1() { bump(); }
