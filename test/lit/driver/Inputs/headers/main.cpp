#include "inc.h"
int main() { return both(1); }
