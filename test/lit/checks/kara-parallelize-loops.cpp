// RUN: %check_kara_tidy %s kara-parallelize %t -- -- -std=c++20
// RUN: %check_kara_tidy -check-suffix=EXPLAIN -no-fix %s kara-parallelize %t -- --config="{CheckOptions: {kara-parallelize.ExplainMissed: true}}" -- -std=c++20
// RUN: %check_kara_tidy -check-suffix=FLOAT %s kara-parallelize %t -- --config="{CheckOptions: {kara-parallelize.FloatReductions: true}}" -- -std=c++20
// kara-parallelize on loops (issue 13 §1): loops whose iterations are
// independent become kara::for_each / for_each_index / reduce /
// reduce_index; the others are explained, one note per reason. The
// rewrite's runtime behaviour is proven by test/e2e (cases 70-76).

#include <kara/annotations.hpp>
#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>
// CHECK-FIXES: #include <kara/runtime.hpp>

struct File { std::string path; long result = 0; };
[[kara::pure]] int weight(int i) noexcept;
[[kara::pure]] double fraction(int i) noexcept;
[[kara::pure]] int risky(int i);
[[kara::reads(FS)]] long process(const std::string &path) noexcept;
[[kara::writes(DB)]] void store(int i) noexcept;
int g_total = 0;

void image(int w, int h) {
  std::vector<int> img(w * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      img[y * w + x] = weight(x + y);
}
// CHECK-MESSAGES: :[[@LINE-4]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-6]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-FIXES: void image(int w, int h) {
// CHECK-FIXES-NEXT:   std::vector<int> img(w * h);
// CHECK-FIXES-NEXT:   kara::for_each_index<int>(0, h, [&](int y) {
// CHECK-FIXES-NEXT:     for (int x = 0; x < w; ++x)
// CHECK-FIXES-NEXT:       img[y * w + x] = weight(x + y);
// CHECK-FIXES-NEXT:   });
// CHECK-FIXES-NEXT: }

void files_loop(std::vector<File> files) {
  for (auto &f : files)
    f.result = process(f.path);
}
// CHECK-MESSAGES: :[[@LINE-3]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-5]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each [kara-parallelize]
// CHECK-FIXES: void files_loop(std::vector<File> files) {
// CHECK-FIXES-NEXT:   kara::for_each(files, [&](File &f) {
// CHECK-FIXES-NEXT:     f.result = process(f.path);
// CHECK-FIXES-NEXT:   });
// CHECK-FIXES-NEXT: }

long sum(int n) {
  long total = 0;
  for (int i = 0; i < n; ++i)
    total += weight(i);
  return total;
}
// CHECK-MESSAGES: :[[@LINE-4]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce_index [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce_index [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-6]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce_index [kara-parallelize]
// CHECK-FIXES: long sum(int n) {
// CHECK-FIXES-NEXT:   long total = 0;
// CHECK-FIXES-NEXT:   total = kara::reduce_index<int>(
// CHECK-FIXES-NEXT:       0, n, total,
// CHECK-FIXES-NEXT:       [](long l, long r) -> long { return l + r; },
// CHECK-FIXES-NEXT:       [&](int i) -> long { return weight(i); });
// CHECK-FIXES-NEXT:   return total;
// CHECK-FIXES-NEXT: }

int best(const std::vector<int> &v) {
  int m = 0;
  for (int x : v)
    m = std::max(m, weight(x));
  return m;
}
// CHECK-MESSAGES: :[[@LINE-4]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-6]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce [kara-parallelize]
// CHECK-FIXES: int best(const std::vector<int> &v) {
// CHECK-FIXES-NEXT:   int m = 0;
// CHECK-FIXES-NEXT:   m = kara::reduce(
// CHECK-FIXES-NEXT:       v, m,
// CHECK-FIXES-NEXT:       [](int l, int r) -> int { return std::max(l, r); },
// CHECK-FIXES-NEXT:       [&](int x) -> int { return weight(x); });
// CHECK-FIXES-NEXT:   return m;
// CHECK-FIXES-NEXT: }

double fsum(int n) {
  double total = 0;
  for (int i = 0; i < n; ++i)
    total += fraction(i);
  return total;
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:5: note: 'total' is a floating-point accumulator: a parallel reduction adds in another order, which may change the result (kara-parallelize.FloatReductions)
// CHECK-MESSAGES-FLOAT: :[[@LINE-6]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce_index [kara-parallelize]
// CHECK-FIXES-FLOAT: double fsum(int n) {
// CHECK-FIXES-FLOAT-NEXT:   double total = 0;
// CHECK-FIXES-FLOAT-NEXT:   total = kara::reduce_index<int>(
// CHECK-FIXES-FLOAT-NEXT:       0, n, total,
// CHECK-FIXES-FLOAT-NEXT:       [](double l, double r) -> double { return l + r; },
// CHECK-FIXES-FLOAT-NEXT:       [&](int i) -> double { return fraction(i); });
// CHECK-FIXES-FLOAT-NEXT:   return total;
// CHECK-FIXES-FLOAT-NEXT: }

void skip_odd(std::vector<int> &out) {
  for (std::size_t i = 0; i != out.size(); ++i) {
    if (i % 2)
      continue;
    out[i] = weight(static_cast<int>(i));
  }
}
// CHECK-MESSAGES: :[[@LINE-6]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-7]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-8]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-FIXES: void skip_odd(std::vector<int> &out) {
// CHECK-FIXES-NEXT:   kara::for_each_index<std::size_t>(0, out.size(), [&](std::size_t i) {
// CHECK-FIXES-NEXT:     if (i % 2)
// CHECK-FIXES-NEXT:       return;
// CHECK-FIXES-NEXT:     out[i] = weight(static_cast<int>(i));
// CHECK-FIXES-NEXT:   });
// CHECK-FIXES-NEXT: }

void by_reference_ok(std::vector<int> &out, const std::vector<int> &in) {
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = weight(in[i]);
}
// CHECK-MESSAGES: :[[@LINE-3]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-5]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-FIXES: void by_reference_ok(std::vector<int> &out, const std::vector<int> &in) {
// CHECK-FIXES-NEXT:   kara::for_each_index<std::size_t>(0, out.size(), [&](std::size_t i) {
// CHECK-FIXES-NEXT:     out[i] = weight(in[i]);
// CHECK-FIXES-NEXT:   });
// CHECK-FIXES-NEXT: }

void pointers_may_overlap(int *out, const int *in, int n) {
  for (int i = 0; i < n; ++i)
    out[i] = weight(in[i]);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: the loop writes the elements of a container it does not own, and the body reads the object parameter 'in' refers to, which may be or contain that container

void leaves(int n) {
  std::vector<int> out(n);
  for (int i = 0; i < n; ++i) {
    if (weight(i) > 10)
      break;
    out[i] = weight(i);
  }
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-6]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:7: note: 'break' leaves the loop: a parallel loop runs every iteration

void prefix(int n) {
  std::vector<int> out(n);
  for (int i = 1; i < n; ++i)
    out[i] = out[i - 1] + weight(i);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:14: note: 'out' is used otherwise than at the loop's own index (another iteration's element, or a call that may reallocate it)

void grows(int n) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i)
    out.push_back(weight(i));
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:5: note: 'out' is used otherwise than at the loop's own index (another iteration's element, or a call that may reallocate it)

void global(int n) {
  for (int i = 0; i < n; ++i)
    g_total = weight(i);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: the body writes(g_total), which every iteration shares

void database(int n) {
  for (int i = 0; i < n; ++i)
    store(i);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: the body writes(DB), which every iteration shares

void carried(int n) {
  int last = 0;
  for (int i = 0; i < n; ++i)
    last = weight(i + last);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: the body writes 'last', declared outside the loop, and reads it: a dependence carried from one iteration to the next

void outer_pointer(int n) {
  std::vector<int> out(n + 1);
  int *p = out.data();
  for (int i = 0; i < n; ++i)
    p[i + 1] = weight(i);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:5: note: the body uses 'p', a pointer, reference, view or closure declared outside the loop, which every iteration shares

void element_address(std::vector<int> &v) {
  for (int &x : v) {
    int *p = &x;
    p[1] = weight(0);
  }
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:14: note: the address of an element of 'x' is taken: through it another iteration's element could be reached

void index_written(int n) {
  std::vector<int> out(n);
  for (int i = 0; i < n; ++i) {
    out[i] = weight(i);
    i += 1;
  }
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-6]]:3: note: the body writes the index 'i'

void bound_changes(int n) {
  for (int i = 0; i < n; ++i)
    n = weight(i);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: the body writes 'n', declared outside the loop, and reads it: a dependence carried from one iteration to the next
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:23: note: the bound is evaluated once by kara::for_each_index, but it may change: writes variable 'n'

void throws_into_caller(std::vector<int> &out) {
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = risky(static_cast<int>(i));
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: the body may throw: iterations after the one that throws would have written what the sequential loop never writes (kara-parallelize.StrictExceptionOrder)

int throws_locally(int n) {
  std::vector<int> out(n);
  for (int i = 0; i < n; ++i)
    out[i] = risky(i);
  return out[0];
}
// CHECK-MESSAGES: :[[@LINE-4]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-6]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-FIXES: int throws_locally(int n) {
// CHECK-FIXES-NEXT:   std::vector<int> out(n);
// CHECK-FIXES-NEXT:   kara::for_each_index<int>(0, n, [&](int i) {
// CHECK-FIXES-NEXT:     out[i] = risky(i);
// CHECK-FIXES-NEXT:   });
// CHECK-FIXES-NEXT:   return out[0];
// CHECK-FIXES-NEXT: }

void not_counted(int n) {
  std::vector<int> out(n);
  for (int i = 0; i < n; i += 2)
    out[i] = weight(i);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-4]]:3: note: only range-for loops and counted loops 'for (T i = first; i < last; ++i)' over an integer index (without an init-statement in a range-for) are rewritten

void range_used(std::vector<int> v) {
  for (int &x : v)
    x = weight(v[0]);
}
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-3]]:16: note: the body uses the range 'v' itself, not only its element

void library_only(std::vector<int> &v) {
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = std::max(v[i], 0);
}

void nested_in_rewritten(std::vector<std::vector<int>> &rows) {
  for (auto &row : rows)
    for (int &x : row)
      x = weight(x);
}
// CHECK-MESSAGES: :[[@LINE-4]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-6]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each [kara-parallelize]
// CHECK-FIXES: void nested_in_rewritten(std::vector<std::vector<int>> &rows) {
// CHECK-FIXES-NEXT:   kara::for_each(rows, [&](std::vector<int> &row) {
// CHECK-FIXES-NEXT:     for (int &x : row)
// CHECK-FIXES-NEXT:       x = weight(x);
// CHECK-FIXES-NEXT:   });
// CHECK-FIXES-NEXT: }

// Templates: every instantiation agrees, the text is the template's.
template <class T> void scale_all(std::vector<T> &out, const std::vector<T> &in) {
  for (std::size_t i = 0; i < in.size(); ++i)
    out[i] = static_cast<T>(weight(static_cast<int>(in[i])));
}
template void scale_all<int>(std::vector<int> &, const std::vector<int> &);
template void scale_all<long>(std::vector<long> &, const std::vector<long> &);
// CHECK-MESSAGES: :[[@LINE-5]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-6]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-7]]:3: warning: the iterations of this loop are independent: it can run as kara::for_each_index [kara-parallelize]
// CHECK-FIXES: template <class T> void scale_all(std::vector<T> &out, const std::vector<T> &in) {
// CHECK-FIXES-NEXT:   kara::for_each_index<std::size_t>(0, in.size(), [&](std::size_t i) {

template <class T> T total_of(const std::vector<T> &v) {
  T t = 0;
  for (const auto &x : v)
    t += static_cast<T>(weight(static_cast<int>(x)));
  return t;
}
template int total_of<int>(const std::vector<int> &);
template long total_of<long>(const std::vector<long> &);
// CHECK-MESSAGES: :[[@LINE-6]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-7]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-8]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce [kara-parallelize]
// CHECK-FIXES: t = kara::reduce(
// CHECK-FIXES-NEXT: v, t,
// CHECK-FIXES-NEXT: [](T l, T r) -> T { return l + r; },
// CHECK-FIXES-NEXT: [&](const auto &x) -> T { return static_cast<T>(weight(static_cast<int>(x))); });

// One instantiation writes a resource: the template's loop stays.
struct Pure { int get(int i) const { return weight(i); } };
struct Stores { int get(int i) const { store(i); return i; } };
template <class S> void fill(std::vector<int> &out, const S &s) {
  for (int i = 0; i < 8; ++i)
    out[i] = s.get(i);
}
template void fill<Pure>(std::vector<int> &, const Pure &);
template void fill<Stores>(std::vector<int> &, const Stores &);
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-5]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-6]]:3: note: the instantiations of its template would not all rewrite this loop
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-7]]:3: note: the body writes(DB), which every iteration shares

// Guarded reductions: `if (p) ++n;` contributes 1 or 0; min/max have no
// identity to contribute, and a guard reading the accumulator carries it.
int count_big(const std::vector<int> &v) {
  int n = 0;
  for (int x : v)
    if (weight(x) > 3)
      ++n;
  int capped = 0;
  for (int x : v)
    if (capped < 10 && weight(x) > 3)
      ++capped;
  int best = 0;
  for (int x : v)
    if (x > 0)
      best = std::max(best, weight(x));
  return n + capped + best;
}
// CHECK-MESSAGES: :[[@LINE-13]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-14]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-15]]:3: warning: the iterations of this loop are independent: it can run as kara::reduce [kara-parallelize]
// CHECK-FIXES: [&](int x) -> int { return (weight(x) > 3) ? (1) : 0; });
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-13]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-14]]:3: note: the body writes 'capped', declared outside the loop, and reads it: a dependence carried from one iteration to the next
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-11]]:3: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-12]]:3: note: the body writes 'best', declared outside the loop, and reads it: a dependence carried from one iteration to the next

// A member range: other members are distinct, `*this` as a whole is not.
struct Particles {
  std::vector<File> items;
  std::string prefix;
  long sum() const {
    long s = 0;
    for (const File &f : items)
      s += f.result;
    return s;
  }
  void refresh() {
    for (auto &f : items)
      f.result = process(f.path) + static_cast<long>(prefix.size());
  }
  void rescale() {
    for (auto &f : items)
      f.result = process(f.path) + sum();
  }
};
// CHECK-MESSAGES: :[[@LINE-8]]:5: warning: the iterations of this loop are independent: it can run as kara::for_each [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-9]]:5: warning: the iterations of this loop are independent: it can run as kara::for_each [kara-parallelize]
// CHECK-MESSAGES-FLOAT: :[[@LINE-10]]:5: warning: the iterations of this loop are independent: it can run as kara::for_each [kara-parallelize]
// CHECK-FIXES: kara::for_each(items, [&](File &f) {
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-8]]:5: warning: loop calling kara-annotated functions was not parallelized [kara-parallelize]
// CHECK-MESSAGES-EXPLAIN: :[[@LINE-9]]:5: note: the loop writes the elements of a container it does not own, and the body reads this.items, which may be or contain that container
