#include "api.h"
void refresh_cache(int id) {
  Profile p{id};
  touch(p);
}
