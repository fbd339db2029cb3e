// Owned memory is not unknown (issue 13 §3, docs/effects.md#owned-memory):
// memory from new, malloc, make_unique/make_shared and the standard
// containers is a fresh object owned by the variable that receives it, so
// writes through it are writes of that local (dropped from the summary);
// `delete p; p = nullptr;` and destructors that delete pointer members write
// `this`. Once the pointer escapes, it designates unknown.
// RUN: %kara_effects %s -- -std=c++20 -I%kara_include | FileCheck %s

#include <cstdlib>
#include <memory>
#include <vector>

struct Acc { int v = 0; };
Acc *Shared;
void keep(Acc *q) { Shared = q; }

int owned_new() {
  Acc *a = new Acc;
  a->v = 1;
  (*a).v += 2;
  int r = a ? a->v : 0;
  delete a;
  a = nullptr;
  return r;
}
// CHECK: owned_new [inferred] {}

int owned_malloc() {
  int *p = static_cast<int *>(std::malloc(4 * sizeof(int)));
  if (p == nullptr)
    return 0;
  p[0] = 1;
  int r = p[0];
  std::free(p);
  return r;
}
// CHECK: owned_malloc [inferred] {}

int owned_shared() {
  auto s = std::make_shared<Acc>();
  s->v = 2;
  return s->v;
}
// CHECK: owned_shared [inferred] {}

int owned_unique() {
  std::unique_ptr<Acc> u(new Acc);
  u->v = 3;
  auto w = std::make_unique<Acc[]>(4);
  w[1].v = 4;
  return u->v + w[1].v;
}
// CHECK: owned_unique [inferred] {}

int owned_vector() {
  std::vector<int> v(4);
  v[0] = 1;
  v.push_back(2);
  return v[0];
}
// CHECK: owned_vector [inferred] {}

// By reference into a lambda: the lambda writes the local's object.
int owned_in_lambda() {
  Acc *a = new Acc;
  auto set = [&] { a->v = 5; };
  set();
  int r = a->v;
  delete a;
  return r;
}
// CHECK: owned_in_lambda [inferred] {}

// Escapes: stored elsewhere, passed on, copied into another variable that
// is written through, captured by copy. The object is no longer the local's.
int stored() {
  Acc *a = new Acc;
  Shared = a;
  a->v = 1;
  return 0;
}
// CHECK: stored [inferred] {writes(Shared), unknown}
// CHECK-NEXT: writes(Shared): writes Shared at
// CHECK-NEXT: unknown: writes unknown (through a pointer or reference the analysis cannot follow)

int passed() {
  Acc *a = new Acc;
  keep(a);
  a->v = 1;
  return 0;
}
// CHECK: passed [inferred] {writes(Shared), unknown}
// CHECK-NEXT: writes(Shared): calls 'keep'
// CHECK-NEXT: unknown: writes unknown

int copied() {
  Acc *a = new Acc;
  Acc *b = a;
  b->v = 1;
  return a->v;
}
// CHECK: copied [inferred] {unknown}
// CHECK-NEXT: unknown: writes unknown

int shared_copy() {
  auto s = std::make_shared<Acc>();
  auto t = s;
  t->v = 1;
  return s->v;
}
// CHECK: shared_copy [inferred] {unknown}
// CHECK-NEXT: unknown: writes unknown

int by_copy_lambda() {
  Acc *a = new Acc;
  auto set = [a] { a->v = 5; };
  set();
  return a->v;
}
// CHECK: by_copy_lambda [inferred] {unknown}
// CHECK-NEXT: unknown:

// Not fresh: a pointer that is reassigned to other memory.
int reassigned(Acc &other) {
  Acc *a = new Acc;
  a = &other;
  a->v = 1;
  return 0;
}
// CHECK: reassigned [inferred] {unknown}
// CHECK-NEXT: unknown: writes unknown

// Members. A deleted pointer member is storage its object owns; other
// accesses through a pointer member write its referent (*Acc). unique_ptr and container
// members are owned by the object.
struct Holder {
  Acc *p = nullptr;
  ~Holder() { delete p; }
  void reset() {
    delete p;
    p = nullptr;
  }
  void poke() { p->v = 1; }
};
// CHECK: Holder::~Holder [inferred] {writes(this.p)}
// CHECK-NEXT: writes(this.p): writes this.p at
// CHECK: Holder::reset [inferred] {writes(this.p)}
// CHECK: Holder::poke [inferred] {reads(this.p), writes(*Acc)}
// CHECK-NEXT: reads(this.p):
// CHECK-NEXT: writes(*Acc): writes *Acc (through the pointer member 'p')

struct Boxed {
  std::unique_ptr<Acc> p;
  std::vector<int> v;
  void set() {
    p->v = 1;
    v[0] = 2;
  }
};
// CHECK: Boxed::set [inferred] {reads(this.p), writes(this.p.v), writes(this.v)}

// A destructor with effects of its own, run by delete on the owned member.
int Deaths;
struct Loud { ~Loud() { ++Deaths; } };
struct LoudHolder {
  Loud *l = nullptr;
  ~LoudHolder() { delete l; }
};
// CHECK: Loud::~Loud [inferred] {writes(Deaths)}
// CHECK: LoudHolder::~LoudHolder [inferred] {writes(Deaths), writes(this.l)}

int use_holder() {
  Holder h;
  h.p = new Acc;
  return 0;
}
// CHECK: use_holder [inferred] {}
