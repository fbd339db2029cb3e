#include "counter.h"
void count3() { bump(); }
