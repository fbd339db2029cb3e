#include "record-inl.h"
