#include <kara/annotations.hpp>

int Counter;

[[kara::reads(Config)]] int bump() { return ++Counter; }

[[kara::reads(idd)]] int lookup(int id);

#include "store.h"
[[kara::reads(UserDB)]] int get_profile(int id) {
  save_profile(id);
  return id;
}
