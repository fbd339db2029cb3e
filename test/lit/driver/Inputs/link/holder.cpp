#include "holder.h"
void assign(Holder &a, const Holder &b) { a = b; }
