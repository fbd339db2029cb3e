// kara-bench-for-each: the parallel loops against the plain loop, in the
// same run (docs/runtime.md, "Parallel loops").
//   unsplit: a loop that nobody helps with (measured on the only worker of
//     a KARA_THREADS=1 child, so no worker is ever idle) costs about the plain
//     loop: kara / plain for a vectorizable body, an opaque call and a sum.
//   speedup: plain loop vs kara with all workers, for a compute-bound body
//     and a cheap one.
// Each figure is the best of several runs, kara and plain alternating.
//
// Usage: kara-bench-for-each [--smoke]
#include <kara/runtime.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using bench_clock = std::chrono::steady_clock;

template <class F> double seconds(F &&f) {
  auto start = bench_clock::now();
  f();
  return std::chrono::duration<double>(bench_clock::now() - start).count();
}

template <class T> void keep(T const &value) {
  asm volatile("" : : "r,m"(value) : "memory");
}

int opaque(int value) {
  asm volatile("" : "+r"(value) : : "memory");
  return value;
}

// An out-of-line call of a few ns, like a kara-annotated function the loop
// body calls.
__attribute__((noinline)) double shade(double x) {
  return x * 1.0001 + 0.5 / (1.0 + x * x);
}

// About `work` multiply-adds of compute: a ray-tracer-row-like iteration.
__attribute__((noinline)) double heavy(int i, int work) {
  double acc = i;
  for (int k = 0; k < work; ++k)
    acc = acc * 0.999999 + 1e-6 * k;
  return acc;
}

void shade_plain(std::vector<double> &d) {
  for (double &x : d)
    x = shade(x);
  keep(d.data());
}

void shade_kara(std::vector<double> &d) {
  kara::for_each(d, [](double &x) { x = shade(x); });
  keep(d.data());
}

struct pair_result {
  double plain, kara;
};

// Best of `runs`, alternating the two so that load changes hit both.
template <class P, class K>
pair_result best_pair(int runs, P &&plain, K &&k, int reps = 1) {
  pair_result r{1e300, 1e300};
  for (int i = 0; i < runs; ++i) {
    r.plain = std::min(r.plain, seconds([&] {
                         for (int j = 0; j < reps; ++j)
                           plain();
                       }));
    r.kara = std::min(r.kara, seconds([&] {
                        for (int j = 0; j < reps; ++j)
                          k();
                      }));
  }
  return r;
}

void report(const char *what, pair_result r, const char *ratio_name) {
  std::printf("  %-44s plain %9.3f ms  kara %9.3f ms  %s %.3f\n", what,
              r.plain * 1e3, r.kara * 1e3, ratio_name, r.kara / r.plain);
}

void report_speedup(const char *what, pair_result r) {
  std::printf("  %-44s plain %9.3f ms  kara %9.3f ms  speedup %.2fx\n", what,
              r.plain * 1e3, r.kara * 1e3, r.plain / r.kara);
}

void unsplit(bool smoke) {
  // In-cache arrays, each loop repeated: the figure is then the loop's own
  // cost, not the memory bandwidth other jobs on the machine leave.
  const int n = smoke ? 10000 : opaque(1 << 16);
  const int reps = smoke ? 1 : 300;
  const int runs = smoke ? 1 : 11;
  std::vector<float> a(n, 1.5f), out(n, 0.0f); // touched: no page faults
  std::vector<double> d(n, 0.25);
  std::printf("unsplit loops (KARA_THREADS=%u, on the worker: nobody idle), "
              "n = %d, each timing %d loops; ratio kara/plain\n",
              kara::thread_count(), n, reps);
  auto scale_plain = [&] {
    for (int i = 0; i < n; ++i)
      out[i] = a[i] * 2 + 1;
    keep(out.data());
  };
  // Run on the pool's only worker: nobody is ever idle there.
  auto h = kara::spawn([&] {
    report("out[i] = a[i] * 2 + 1 (vectorizable)",
           best_pair(
               runs, scale_plain,
               [&] {
                 kara::for_each_index(0, n,
                                      [&](int i) { out[i] = a[i] * 2 + 1; });
                 keep(out.data());
               },
               reps),
           "ratio");
    report("same, kara::grain{4096}",
           best_pair(
               runs, scale_plain,
               [&] {
                 kara::for_each_index(0, n, kara::grain{4096},
                                      [&](int i) { out[i] = a[i] * 2 + 1; });
                 keep(out.data());
               },
               reps),
           "ratio");
    report("for_each(d, x = shade(x)) (opaque call)",
           best_pair(
               runs, [&] { shade_plain(d); }, [&] { shade_kara(d); }, reps),
           "ratio");
    long sum_plain = 0, sum_kara = 0;
    report("sum += i & 7 (reduce_index)",
           best_pair(
               runs,
               [&] {
                 long s = 0;
                 for (int i = 0; i < n; ++i)
                   s += i & 7;
                 sum_plain = s;
                 keep(s);
               },
               [&] {
                 sum_kara = kara::reduce_index(0, n, 0L, std::plus<>(),
                                               [](int i) { return i & 7L; });
                 keep(sum_kara);
               },
               reps),
           "ratio");
    if (sum_plain != sum_kara)
      std::printf("  MISMATCH: %ld vs %ld\n", sum_plain, sum_kara);
  });
  h.join();
}

void speedup(bool smoke) {
  const int runs = smoke ? 1 : 7;
  const int rows = smoke ? 64 : 2000;
  const int work = opaque(smoke ? 100 : 20000);
  std::vector<double> img(rows);
  auto half = [&](int lo, int hi) {
    for (int y = lo; y < hi; ++y)
      img[y] = heavy(y, work);
    keep(img.data());
  };
  auto rows_plain = [&] { half(0, rows); };
  std::printf("speedup with %u workers (plain loop vs kara, best of %d)\n",
              kara::thread_count(), runs);
  report_speedup("2000 rows: img[y] = heavy(y) (50-150 us each)",
                 best_pair(runs, rows_plain, [&] {
                   kara::for_each_index(
                       0, rows, [&](int y) { img[y] = heavy(y, work); });
                   keep(img.data());
                 }));
  // Control: the same rows as two hand-made halves in a kara::par, i.e. what
  // the machine's load leaves of a second core.
  report_speedup("control: the rows as two halves in kara::par",
                 best_pair(runs, rows_plain, [&] {
                   kara::detail::par_forced([&] { half(0, rows / 2); },
                                            [&] { half(rows / 2, rows); });
                   keep(img.data());
                 }));
  const int n = smoke ? 10000 : opaque(4'000'000);
  std::vector<double> d(n, 0.25);
  report_speedup("for_each(d, x = shade(x)), 4M elements",
                 best_pair(
                     runs, [&] { shade_plain(d); }, [&] { shade_kara(d); }));
  report_speedup("reduce_index: sum of heavy(i, 200), 200k",
                 best_pair(
                     runs,
                     [&] {
                       double s = 0;
                       for (int i = 0; i < (smoke ? 1000 : 200000); ++i)
                         s += heavy(i, 200);
                       keep(s);
                     },
                     [&] {
                       double s = kara::reduce_index(
                           0, smoke ? 1000 : 200000, 0.0, std::plus<>(),
                           [](int i) { return heavy(i, 200); });
                       keep(s);
                     }));
}

std::string self_path() {
  char buf[4096];
  ssize_t len = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (len <= 0)
    return "kara-bench-for-each";
  buf[len] = '\0';
  return buf;
}

} // namespace

int main(int argc, char **argv) {
  bool smoke = false, child = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0)
      smoke = true;
    else if (std::strcmp(argv[i], "--unsplit-child") == 0)
      child = true;
    else {
      std::fprintf(stderr, "usage: kara-bench-for-each [--smoke]\n");
      return 2;
    }
  }
  if (child) {
    unsplit(smoke);
    return 0;
  }
  std::string cmd = "KARA_THREADS=1 '" + self_path() + "' --unsplit-child" +
                    (smoke ? " --smoke" : "");
  std::fflush(stdout);
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "kara-bench-for-each: the unsplit child failed\n");
    return 1;
  }
  speedup(smoke);
  return 0;
}
