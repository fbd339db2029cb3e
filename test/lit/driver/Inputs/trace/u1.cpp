#include "api.h"
void f1(std::vector<int> &v) {
  f2(v, 1);
}
int g1() { return g2(); }
