// Holder's copy assignment is implicit: defined in every unit that assigns a
// Holder, it calls Resource's, defined in resource.cpp.
struct Resource {
  Resource &operator=(const Resource &);
  int id = 0;
};
struct Holder {
  Resource r;
};
