// N-queens: count solutions; the first two columns of the first row are
// explored in parallel, the rest recursively.
#include <cstdio>
#include <initializer_list>
#include <vector>

[[kara::pure]] bool safe(const std::vector<int> &cols, int c) {
  int r = static_cast<int>(cols.size());
  for (int i = 0; i < r; ++i)
    if (cols[i] == c || cols[i] - c == i - r || cols[i] - c == r - i)
      return false;
  return true;
}

[[kara::pure]] int solve(std::vector<int> cols, int n) {
  if (static_cast<int>(cols.size()) == n)
    return 1;
  int count = 0;
  for (int c = 0; c < n; ++c)
    if (safe(cols, c)) {
      cols.push_back(c);
      count += solve(cols, n);
      cols.pop_back();
    }
  return count;
}

[[kara::pure]] int queens(int n) {
  int half = n / 2;
  int left = 0;
  int right = 0;
  std::vector<int> start;
  int low = solve(std::vector<int>{0}, n) + solve(std::vector<int>{1}, n);
  int rest = solve(start, n);
  left = low;
  right = rest - low;
  (void)half;
  return left + right;
}
// CHECK: std::vector<int> start;
// CHECK-NEXT:   auto [low, rest] = kara::par(
// CHECK-NEXT: [&, n]() -> int { return solve(std::vector<int>{0}, n) + solve(std::vector<int>{1}, n); },
// CHECK-NEXT: [&, n]() -> int { return solve(start, n); });
// CHECK-NEXT:   left = low;

int main() {
  for (int n : {4, 5, 6})
    std::printf("queens(%d) = %d\n", n, queens(n));
}
