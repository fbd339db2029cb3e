// Negative: a template whose instantiations disagree is not rewritten. For
// int the two calls are independent; for Account, `note` writes the same
// ledger that `audit` reads, so that instantiation must stay sequential, and
// so must the shared template text.
// E2E-EXPECT: unchanged
#include <cstdio>

int ledger = 0;

struct Account {
  int id;
};

[[kara::pure]] int note(int v) noexcept { return v + 1; }
[[kara::writes(ledger)]] int note(Account a) noexcept {
  ledger += a.id;
  return ledger;
}
[[kara::reads(ledger)]] int audit(int v) noexcept { return ledger * 10 + v; }

template <class T> int settle(T value, int v) {
  int n = note(value);
  int a = audit(v);
  return n + a;
}

int main() {
  std::printf("%d\n", settle(1, 2));
  std::printf("%d\n", settle(Account{7}, 3));
  std::printf("%d\n", settle(Account{5}, 4));
}
