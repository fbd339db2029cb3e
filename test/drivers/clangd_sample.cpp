#include <kara/annotations.hpp>

int Counter;

[[kara::reads(Config)]] int bump() { return ++Counter; }

[[kara::reads(idd)]] int lookup(int id);
