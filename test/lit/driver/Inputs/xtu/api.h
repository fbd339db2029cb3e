struct Profile {
  int id;
};
[[kara::reads(UserDB)]] Profile get_profile(int id);
void refresh_cache(int id); // defined in b.cpp
void touch(Profile &p);     // defined in c.cpp
