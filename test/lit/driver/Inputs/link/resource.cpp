#include "holder.h"
int released;
Resource &Resource::operator=(const Resource &o) {
  id = o.id;
  ++released;
  return *this;
}
