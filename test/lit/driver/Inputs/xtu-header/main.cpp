#include "api.h"
void caller() { record(); }
