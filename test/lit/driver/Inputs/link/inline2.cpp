#include "counter.h"
void count2() { bump(); }
