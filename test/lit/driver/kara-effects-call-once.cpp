// std::call_once(flag, f, args...) writes the flag and has the effects of
// f(args...) (docs/effects.md#inference-from-a-body), not those of its
// library body (pthread_once: unknown).
// RUN: %kara_effects %s -- -std=c++20 | FileCheck %s

#include <mutex>

std::once_flag Once;
int Table[4];
void init_table() { Table[0] = 1; }

void with_function() { std::call_once(Once, init_table); }
// CHECK: with_function [inferred] {writes(Once), writes(Table)}
// CHECK-NEXT: writes(Once): writes Once at
// CHECK-NEXT: writes(Table): calls 'init_table' at

int Hits;
void with_lambda() {
  std::call_once(Once, [] { ++Hits; });
}
// CHECK: with_lambda [inferred] {writes(Hits), writes(Once)}

void with_arguments(int &out, int n) {
  std::call_once(Once, [](int &o, int k) { o = k; }, out, n);
}
// CHECK: with_arguments [inferred] {writes(Once), writes(out)}

struct Lazy {
  std::once_flag flag;
  int value = 0;
  void fill() { value = 42; }
  int get() {
    std::call_once(flag, &Lazy::fill, this);
    return value;
  }
};
// CHECK: Lazy::get [inferred] {writes(this.flag), writes(this.value)}

// A closure variable that captures by reference.
void with_closure(int &total) {
  auto add = [&] { total += 1; };
  std::call_once(Once, add);
}
// CHECK: with_closure [inferred] {writes(Once), writes(total)}

// Not modelled: a class argument copied into a by-value parameter. The
// library body ends in pthread_once, which stays unknown.
struct Big { int v[4]; };
void take(Big b) { Hits = b.v[0]; }
void with_copy(const Big &b) { std::call_once(Once, take, b); }
// CHECK: with_copy [inferred] {{{.*}}unknown}
