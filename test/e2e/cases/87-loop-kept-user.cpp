// Negative (issue 13 §1): loops users write that must stay sequential, each
// with its reason (ExplainMissed): a shared accumulator written through a
// pointer, push_back into the output, an iterator loop, a map, output
// and input passed as two pointers (they may overlap), an output vector
// that may be a member of the other parameter (here it is).
// E2E-EXPECT: unchanged
// E2E-TIDY-ARGS: '--config={CheckOptions: {kara-parallelize.ExplainMissed: true}}'
// E2E-DIAG: the body writes the object parameter 'total' refers to|the body writes\(.*total
// E2E-DIAG: 'out' is used otherwise than at the loop's own index
// E2E-DIAG: kara::for_each splits only random-access ranges
// E2E-DIAG: only range-for loops and counted loops
// E2E-DIAG: which may be or contain that container
// E2E-DIAG: the object parameter 'st' refers to, which may be or contain that container
#include <cstdio>
#include <map>
#include <string>
#include <vector>

[[kara::pure]] long weight(int i) noexcept { return (i * 37) % 11; }

void accumulate(long *total, int n) {
  for (int i = 0; i < n; ++i)
    *total += weight(i);
}

void collect(std::vector<long> &out, int n) {
  for (int i = 0; i < n; ++i)
    out.push_back(weight(i));
}

void shift(long *out, const long *in, int n) {
  for (int i = 0; i < n; ++i)
    out[i] = in[i] + weight(i);
}

struct Stats {
  std::vector<long> hist;
  long base = 0;
};

void offset(std::vector<long> &out, const Stats &st, int n) {
  for (int i = 0; i < n; ++i)
    out[i] = st.hist[0] + weight(i);
}

int main() {
  long t = 0;
  accumulate(&t, 30);
  std::vector<long> out;
  collect(out, 10);
  std::vector<long> v(10, 1);
  for (auto it = v.begin(); it != v.end(); ++it)
    *it = weight(static_cast<int>(*it));
  std::map<std::string, long> m{{"a", 1}, {"b", 2}};
  for (auto &kv : m)
    kv.second = weight(static_cast<int>(kv.second));
  long buf[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  shift(buf + 1, buf, 10); // overlapping: a carried dependence
  Stats st{std::vector<long>(6, 2), 1};
  offset(st.hist, st, 6); // out is st.hist: iteration 0 writes hist[0]
  std::printf("%ld %zu %ld %ld %ld %ld\n", t, out.size(), v[3], m["b"],
              buf[11], st.hist[5]);
}
