#include "api.h"
int audit;
void f3(int n, std::vector<int> &out) {
  out.push_back(n);
  audit = n;
}
