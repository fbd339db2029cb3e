// RUN: %check_kara_tidy %s kara-parallelize %t -- -- -std=c++20
// RUN: %check_kara_tidy -check-suffix=EXPLAIN -no-fix %s kara-parallelize %t -- --config="{CheckOptions: {kara-parallelize.ExplainMissed: true}}" -- -std=c++20
// kara-parallelize: the object a reference or pointer parameter refers to,
// and *this, may be a global or another parameter's referent (the caller
// passes it), so two accesses to such objects stay in order when one
// writes, unless their types show the objects are distinct (test/fuzz
// finding 02; e2e 55 runs the program).

#include <kara/annotations.hpp>
#include <map>
#include <string>
// CHECK-FIXES: #include <kara/runtime.hpp>
// The include is far above the first rewrite: a diagnostic of its own.
// CHECK-MESSAGES: :10:1: warning: kara::par needs <kara/runtime.hpp>: the include is added here for the rewrite at line {{[0-9]+}} [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :10:1: warning: kara::par needs <kara/runtime.hpp>: the include is added here for the rewrite at line {{[0-9]+}} [kara-parallelize]

int g;
double h;
std::map<std::string, std::string> names;
struct Req {
  std::string region;
};

[[kara::writes(g)]] void set_g(int v) noexcept;
[[kara::writes(h)]] void set_h(double v) noexcept;
[[kara::writes(names)]] void remember(int k) noexcept;
[[kara::writes(Log)]] void log_line(int v) noexcept;
[[kara::pure]] void put(int &o, int v) noexcept;
[[kara::pure]] void putf(float &o, float v) noexcept;
[[kara::pure]] void putc(char &o, char v) noexcept;
[[kara::pure]] void putu(unsigned &o, unsigned v) noexcept;
[[kara::pure]] int size_of(const Req &r) noexcept;

// io may be g.
void ref_global(int &io) {
  set_g(1);
  put(io, 2);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: 2 statements calling kara-annotated functions were not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: note: this statement must follow the one at line [[@LINE-4]]: this statement writes the object parameter 'io' refers to and that one writes(g), which may be the same object (a caller may pass one as the other; nothing here shows they are distinct)
// CHECK-FIXES: void ref_global(int &io) {
// CHECK-FIXES-NEXT:   set_g(1);
// CHECK-FIXES-NEXT:   put(io, 2);

// pp may point to g.
void ptr_global(int *pp) {
  put(*pp, 2);
  set_g(1);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: 2 statements calling kara-annotated functions were not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: this statement stays outside the branches: it uses the pointer 'pp', which a branch would capture by reference, and the analysis of the rewritten code could no longer tell what it points to
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: this statement must follow the one at line [[@LINE-5]]: this statement writes(g) and that one writes the object parameter 'pp' refers to, which may be the same object (a caller may pass one as the other; nothing here shows they are distinct)

// a and b may be one int.
void two_refs(int &a, int &b) {
  put(a, 1);
  put(b, 2);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: 2 statements calling kara-annotated functions were not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: note: this statement must follow the one at line [[@LINE-4]]: this statement writes the object parameter 'b' refers to and that one writes the object parameter 'a' refers to, which may be the same object (a caller may pass one as the other; nothing here shows they are distinct)

// out may be this->n.
struct Counter {
  int n;
  [[kara::writes(this)]] void bump() noexcept;
  void twice(int &out) {
    bump();
    put(out, 1);
  }
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:5: warning: 2 statements calling kara-annotated functions were not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:5: note: this statement must follow the one at line [[@LINE-4]]: this statement writes the object parameter 'out' refers to and that one writes this, which may be the same object (a caller may pass one as the other; nothing here shows they are distinct)
};

// A char glvalue may access any object; an unsigned may be an int.
void char_ref(char &c) {
  set_h(1.0);
  putc(c, 'x');
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: 2 statements calling kara-annotated functions were not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: note: this statement must follow the one at line [[@LINE-4]]: this statement writes the object parameter 'c' refers to and that one writes(h), which may be the same object (a caller may pass one as the other; nothing here shows they are distinct)
void unsigned_ref(unsigned &u) {
  set_g(1);
  putu(u, 2);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: 2 statements calling kara-annotated functions were not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: note: this statement must follow the one at line [[@LINE-4]]: this statement writes the object parameter 'u' refers to and that one writes(g), which may be the same object (a caller may pass one as the other; nothing here shows they are distinct)

// Distinct by type: an int or a float is no double global and no part of a
// map of strings, a Req holds no int or float; an abstract resource (no
// variable of that name) is no object a caller could pass.
void by_type(int &io, const Req &r, float &f) {
  set_h(1.0);
  put(io, 2);
  remember(size_of(r));
  putf(f, 3.0f);
  log_line(4);
}
// CHECK-MESSAGES: :[[@LINE-6]]:3: warning: 5 statements can run in parallel as 5 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-7]]:3: warning: 5 statements can run in parallel as 5 branches of kara::par [kara-parallelize]
// CHECK-FIXES: void by_type(int &io, const Req &r, float &f) {
// CHECK-FIXES-NEXT:   kara::par(
// CHECK-FIXES-NEXT:       [&] { set_h(1.0); },
// CHECK-FIXES-NEXT:       [&] { put(io, 2); },
// CHECK-FIXES-NEXT:       [&] { remember(size_of(r)); },
// CHECK-FIXES-NEXT:       [&] { putf(f, 3.0f); },
// CHECK-FIXES-NEXT:       [&] { log_line(4); });

// A second --fix sees a parameter captured by reference in a branch: the
// same outside object, so put stays after set_g there too.
void captured(int &io, float &f) {
  set_g(1);
  put(io, 2);
  putf(f, 3.0f);
}
// CHECK-MESSAGES: :[[@LINE-4]]:3: warning: 3 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: 3 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-FIXES: void captured(int &io, float &f) {
// CHECK-FIXES-NEXT:   kara::par(
// CHECK-FIXES-NEXT:       [&] {
// CHECK-FIXES-NEXT:         set_g(1);
// CHECK-FIXES-NEXT:         put(io, 2);
// CHECK-FIXES-NEXT:       },
// CHECK-FIXES-NEXT:       [&] { putf(f, 3.0f); });
