// A rewrite far below the includes (snippet-lines.test).
#include <kara/annotations.hpp>

int g1, g2;
[[kara::writes(g1)]] int f1() { return ++g1; }
[[kara::writes(g2)]] int f2() { return ++g2; }

int filler0() { return 0; }
int filler1() { return 1; }
int filler2() { return 2; }
int filler3() { return 3; }
int filler4() { return 4; }
int filler5() { return 5; }
int filler6() { return 6; }
int filler7() { return 7; }
int filler8() { return 8; }
int filler9() { return 9; }
int filler10() { return 10; }
int filler11() { return 11; }
int filler12() { return 12; }
int filler13() { return 13; }
int filler14() { return 14; }
int filler15() { return 15; }
int filler16() { return 16; }
int filler17() { return 17; }
int filler18() { return 18; }
int filler19() { return 19; }
int filler20() { return 20; }
int filler21() { return 21; }
int filler22() { return 22; }
int filler23() { return 23; }
int filler24() { return 24; }
int filler25() { return 25; }
int filler26() { return 26; }
int filler27() { return 27; }
int filler28() { return 28; }
int filler29() { return 29; }

int far_below() {
  int a = f1();
  int b = f2();
  return a + b;
}
