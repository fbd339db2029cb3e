// RUN: %check_kara_tidy %s kara-parallelize %t -- -- -std=c++20
// RUN: %check_kara_tidy -check-suffix=EXPLAIN -no-fix %s kara-parallelize %t -- --config="{CheckOptions: {kara-parallelize.ExplainMissed: true}}" -- -std=c++20
// kara-parallelize: runs of independent statements calling kara-annotated
// functions become one kara::par (SPEC §4); the rewrite's runtime behaviour
// is proven by test/e2e. This file pins the diagnostics and the fix-its.

#include <kara/annotations.hpp>
// CHECK-FIXES: #include <kara/runtime.hpp>

struct Profile { int id; };
struct Orders { int n; };

[[kara::reads(UserDB)]] Profile fetch_profile(int id);
[[kara::reads(OrderDB)]] Orders fetch_orders(int id);
[[kara::writes(UserDB)]] void save_profile(const Profile &p);
[[kara::writes(Log)]] void log_line(int v) noexcept;
[[kara::writes(Metrics)]] void count_call(int v) noexcept;

// Declarations keep their names and explicit types.
int dashboard(int id) {
  Profile profile = fetch_profile(id);
  Orders orders = fetch_orders(id);
  return profile.id + orders.n;
}
// CHECK-MESSAGES: :[[@LINE-4]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-FIXES: int dashboard(int id) {
// CHECK-FIXES-NEXT:   auto [profile, orders] = kara::par(
// CHECK-FIXES-NEXT:       [&, id]() -> Profile { return fetch_profile(id); },
// CHECK-FIXES-NEXT:       [&, id]() -> Orders { return fetch_orders(id); });
// CHECK-FIXES-NEXT:   return profile.id + orders.n;

// Void calls become void branches; nothing is returned.
void record(int v) {
  log_line(v);
  count_call(v);
}
// CHECK-MESSAGES: :[[@LINE-3]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-FIXES: void record(int v) {
// CHECK-FIXES-NEXT:   kara::par(
// CHECK-FIXES-NEXT:       [&, v] { log_line(v); },
// CHECK-FIXES-NEXT:       [&, v] { count_call(v); });
// CHECK-FIXES-NEXT: }

// Conflicting effects keep a run sequential; with ExplainMissed a note says
// which statement and which effect.
void refresh(int id) {
  Profile p = fetch_profile(id);
  save_profile(Profile{id});
  (void)p;
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: warning: 2 statements calling kara-annotated functions were not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: this statement must follow the one at line [[@LINE-5]]: this statement writes(UserDB) and that one reads(UserDB)
// CHECK-FIXES: void refresh(int id) {
// CHECK-FIXES-NEXT:   Profile p = fetch_profile(id);
// CHECK-FIXES-NEXT:   save_profile(Profile{id});

// A statement that needs both branches stays after the par; ExplainMissed
// says why.
int combine(int id) {
  Profile a = fetch_profile(id);
  Orders b = fetch_orders(id);
  log_line(a.id + b.n);
  return a.id;
}
// CHECK-MESSAGES: :[[@LINE-5]]:3: warning: 3 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-6]]:3: warning: 3 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: 1 of 3 statements stay after kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-6]]:3: note: this statement must follow the one at line [[@LINE-8]]: this statement reads variable 'a' and that one writes variable 'a'
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-7]]:3: note: this statement must follow the one at line [[@LINE-8]]: this statement reads variable 'b' and that one writes variable 'b'
// CHECK-FIXES: int combine(int id) {
// CHECK-FIXES-NEXT:   auto [a, b] = kara::par(
// CHECK-FIXES-NEXT:       [&, id]() -> Profile { return fetch_profile(id); },
// CHECK-FIXES-NEXT:       [&, id]() -> Orders { return fetch_orders(id); });
// CHECK-FIXES-NEXT:   log_line(a.id + b.n);

// A reference bound to an lvalue stays a reference; one that extends the
// lifetime of a temporary is not rewritten (the temporary would die inside
// its branch).
struct Config { int level; };
[[kara::reads(A)]] const Config &config_a() noexcept;
[[kara::reads(B)]] Config make_b() noexcept;
int references() {
  const Config &a = config_a();
  const Config &b = config_a();
  return a.level + b.level;
}
// CHECK-MESSAGES: :[[@LINE-4]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-FIXES: int references() {
// CHECK-FIXES-NEXT:   auto [a, b] = kara::par(
// CHECK-FIXES-NEXT:       [&]() -> const Config & { return config_a(); },
// CHECK-FIXES-NEXT:       [&]() -> const Config & { return config_a(); });
int temporaries() {
  const Config &a = config_a();
  const Config &t = make_b();
  return a.level + t.level;
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: warning: 2 statements calling kara-annotated functions were not parallelized: 't' extends the lifetime of a temporary, which would end inside a branch [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: this statement

// Unannotated calls are no candidates: nothing happens here.
int plain(int x);
int untouched(int x) {
  int a = plain(x);
  int b = plain(x + 1);
  return a + b;
}

// Branches copy the scalar locals and parameters they only read ([&, n]);
// everything else stays captured by reference: a written variable, one whose
// address is taken or that is bound to a reference anywhere in the function
// (n, m), a reference, a pointer, a class type, a volatile,
// a constant, a variable declared in the run or used in a nested lambda.
[[kara::reads(A)]] long work_a(long n) noexcept;
[[kara::reads(B)]] long work_b(long n) noexcept;
[[kara::reads(B)]] long work_ref(const long &n) noexcept;
[[kara::reads(B)]] long work_ptr(const long *n) noexcept;
struct Point { long x; };
[[kara::reads(B)]] long work_point(Point p) noexcept;
template <class F> long apply(F f) { return f(); }
long copies(long n, const long &r, Point p, long s) {
  long m = n + 1;
  volatile long v = 2;
  constexpr long k = 3;
  long a = work_a(n + m + s + k);
  long b = work_b(r + p.x + v);
  long c = work_ref(m);
  long d = work_ptr(&n);
  return a + b + c + d;
}
// CHECK-MESSAGES: :[[@LINE-6]]:3: warning: 4 statements can run in parallel as 4 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-7]]:3: warning: 4 statements can run in parallel as 4 branches of kara::par [kara-parallelize]
// CHECK-FIXES: long copies(long n, const long &r, Point p, long s) {
// CHECK-FIXES:        auto [a, b, c, d] = kara::par(
// CHECK-FIXES-NEXT:       [&, s]() -> long { return work_a(n + m + s + k); },
// CHECK-FIXES-NEXT:       [&]() -> long { return work_b(r + p.x + v); },
// CHECK-FIXES-NEXT:       [&]() -> long { return work_ref(m); },
// CHECK-FIXES-NEXT:       [&]() -> long { return work_ptr(&n); });
// Variables declared by the run become structured bindings, which C++17
// cannot capture: the second par keeps [&] for 'a' and 'b'.
long declared_in_run(long n) {
  long a = work_a(n);
  long b = work_b(n);
  long c = work_a(a + b);
  long d = work_b(a + b);
  return c + d;
}
// CHECK-MESSAGES: :[[@LINE-6]]:3: warning: 4 statements can run in parallel as 4 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-7]]:3: warning: 4 statements can run in parallel as 4 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-6]]:3: warning: 2 of 4 statements stay after kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-7]]:3: note: this statement must follow the one at line [[@LINE-9]]: this statement reads variable 'a' and that one writes variable 'a'
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-8]]:3: note: this statement must follow the one at line [[@LINE-9]]: this statement reads variable 'b' and that one writes variable 'b'
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-8]]:3: note: this statement must follow the one at line [[@LINE-11]]: this statement reads variable 'a' and that one writes variable 'a'
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-9]]:3: note: this statement must follow the one at line [[@LINE-11]]: this statement reads variable 'b' and that one writes variable 'b'
// CHECK-FIXES: long declared_in_run(long n) {
// CHECK-FIXES-NEXT:   auto [a, b] = kara::par(
// CHECK-FIXES-NEXT:       [&, n]() -> long { return work_a(n); },
// CHECK-FIXES-NEXT:       [&, n]() -> long { return work_b(n); });
// CHECK-FIXES-NEXT:   auto [c, d] = kara::par(
// CHECK-FIXES-NEXT:       [&]() -> long { return work_a(a + b); },
// CHECK-FIXES-NEXT:       [&]() -> long { return work_b(a + b); });
long nested(long n) {
  long a = work_a(apply([&] { return n; }));
  long b = work_b(n);
  return a + b;
}
// CHECK-MESSAGES: :[[@LINE-4]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-FIXES: long nested(long n) {
// CHECK-FIXES-NEXT:   auto [a, b] = kara::par(
// CHECK-FIXES-NEXT:       [&]() -> long { return work_a(apply([&] { return n; })); },
// CHECK-FIXES-NEXT:       [&]() -> long { return work_b(n); });
template <class T> long in_template(T n) {
  long a = work_a(n);
  long b = work_b(n);
  return a + b;
}
long use_template() { return in_template(1L) + in_template(2); }
// CHECK-MESSAGES: :[[@LINE-5]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-6]]:3: warning: 2 statements can run in parallel as 2 branches of kara::par [kara-parallelize]
// CHECK-FIXES: template <class T> long in_template(T n) {
// CHECK-FIXES-NEXT:   auto [a, b] = kara::par(
// CHECK-FIXES-NEXT:       [&]() -> long { return work_a(n); },
// CHECK-FIXES-NEXT:       [&]() -> long { return work_b(n); });
