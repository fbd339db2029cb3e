#include "api.h"
[[kara::reads(UserDB)]] Profile get_profile(int id) {
  refresh_cache(id);
  return Profile{id};
}
