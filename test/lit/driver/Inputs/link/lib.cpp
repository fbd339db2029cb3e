#include "lib-inl.h"
