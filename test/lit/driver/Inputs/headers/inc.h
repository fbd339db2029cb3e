[[kara::reads(A)]] int fa(int) noexcept;
[[kara::reads(B)]] int fb(int) noexcept;
inline int both(int x) {
  int a = fa(x);
  int b = fb(x);
  return a + b;
}
