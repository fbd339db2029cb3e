// Positive (issue 13 §1): nested loops where only the outer one is
// independent: each row is a prefix sum (the inner loop carries
// grid[i][j - 1]), rows are independent; a per-row total declared in the
// body; a `continue` that skips empty rows.
#include <cstdio>
#include <vector>

[[kara::pure]] int cell(int i, int j) noexcept { return (i * 7 + j * 3) % 10; }

int main() {
  const int rows = 20, cols = 30;
  std::vector<std::vector<int>> grid(rows, std::vector<int>(cols));
  std::vector<long> totals(rows);
  for (int i = 0; i < rows; ++i) {
    if (i % 5 == 4)
      continue; // every fifth row stays empty
    grid[i][0] = cell(i, 0);
    for (int j = 1; j < cols; ++j)
      grid[i][j] = grid[i][j - 1] + cell(i, j);
    long t = 0;
    for (int j = 0; j < cols; ++j)
      t += grid[i][j];
    totals[i] = t;
  }
  long all = 0;
  for (int i = 0; i < rows; ++i)
    all += totals[i];
  std::printf("%ld %d\n", all, grid[3][29]);
}
// CHECK: kara::for_each_index<int>(0, rows, [&](int i) {
// CHECK-NEXT:     if (i % 5 == 4)
// CHECK-NEXT:       return; // every fifth row stays empty
// CHECK: for (int j = 1; j < cols; ++j)
