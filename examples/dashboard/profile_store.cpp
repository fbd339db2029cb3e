// A contract violation for kara-effect-contract to find: get_profile is
// declared to only read UserDB, but it saves the profile on a cache miss.
#include <kara/annotations.hpp>

#include <string>

struct Profile {
  std::string name;
};

int cache_misses = 0;

[[kara::writes(UserDB)]] void save_profile(const Profile &profile);

static void record_miss() { ++cache_misses; }

[[kara::reads(UserDB)]] Profile get_profile(const std::string &name) {
  Profile profile{name};
  if (name.empty()) {
    record_miss();
    save_profile(profile);
  }
  return profile;
}

// A misspelt parameter in an annotation: kara-annotation offers a fix.
[[kara::writes(profle)]] void rename(Profile &profile, const std::string &to);
