#include "api.h"
int audit_log = 0;
void touch(Profile &p) {
  p.id += 1;
  ++audit_log;
}
