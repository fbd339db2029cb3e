#include "api.h"

void f2(std::vector<int> &v, int n) {
  if (n > 0)
    f3(n, v);
}
int g2() { return missing(); }
