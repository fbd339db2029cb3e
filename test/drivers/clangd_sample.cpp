#include <kara/annotations.hpp>

int Counter;

[[kara::reads(Config)]] int bump() { return ++Counter; }

[[kara::reads(idd)]] int lookup(int id);

#include "store.h"
[[kara::reads(UserDB)]] int get_profile(int id) {
  save_profile(id);
  return id;
}

// Two independent annotated calls: kara-parallelize's rewrite is offered as
// a code action.
[[kara::reads(A)]] int fetch_a(int x);
[[kara::reads(B)]] int fetch_b(int x);
int both(int x) {
  int a = fetch_a(x);
  int b = fetch_b(x);
  return a + b;
}

// kara-annotation in the editor as in kara-tidy: a misspelt attribute name
// and a macro's empty resource list.
[[kara::raeds(DB)]] int misspelt();
KARA_READS() int empty_list();
