// A bank whose accounts are actors: each account's balance is touched only
// by its own messages, so concurrent transfers need no locks. Tellers (tasks
// of a kara::scope) move money between random accounts; an audit actor
// receives fire-and-forget records. The total must be conserved.
//   bank [accounts] [transfers-per-teller]
#include <kara/runtime.hpp>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

class Account {
public:
  Account(std::string owner, long balance)
      : owner_(std::move(owner)), balance_(balance) {}
  void deposit(long amount) { balance_ += amount; }
  /// Throws when the funds are short: the asker's future fails.
  void withdraw(long amount) {
    if (amount > balance_)
      throw std::runtime_error(owner_ + ": insufficient funds");
    balance_ -= amount;
  }
  long balance() const { return balance_; }

private:
  std::string owner_;
  long balance_;
};

class Audit {
public:
  void record(std::string line) {
    ++records_;
    if (records_ <= 3)
      std::printf("audit: %s\n", line.c_str());
  }
  long records() const { return records_; }

private:
  long records_ = 0;
};

int main(int argc, char **argv) {
  const int accounts = argc > 1 ? std::atoi(argv[1]) : 100;
  const int per_teller = argc > 2 ? std::atoi(argv[2]) : 2000;
  const int tellers = 8;
  if (accounts < 2 || per_teller < 0) {
    std::fprintf(stderr, "usage: bank [accounts>=2] [transfers-per-teller]\n");
    return 2;
  }
  std::vector<kara::actor<Account>> bank;
  for (int i = 0; i < accounts; ++i)
    bank.emplace_back("acct" + std::to_string(i), 1000L);
  kara::actor<Audit> audit;

  long refused = 0;
  kara::scope([&](kara::nursery &n) {
    for (int t = 0; t < tellers; ++t)
      (void)n.spawn([&, t] {
        std::mt19937 rng(static_cast<unsigned>(t));
        std::uniform_int_distribution<int> pick(0, accounts - 1);
        std::uniform_int_distribution<long> amount(1, 1500);
        long mine = 0;
        for (int i = 0; i < per_teller; ++i) {
          int from = pick(rng), to = pick(rng);
          long x = amount(rng);
          // Withdraw first; deposit only what was actually withdrawn.
          kara::result<void> r =
              kara::join_protected(bank[from].ask(&Account::withdraw, x));
          if (!r) {
            ++mine;
            continue;
          }
          bank[to].send(&Account::deposit, x);
          audit.send(&Audit::record, std::to_string(x) + " from " +
                                         std::to_string(from) + " to " +
                                         std::to_string(to));
        }
        static kara::mutex m; // the tellers' shared tally
        std::lock_guard<kara::mutex> g(m);
        refused += mine;
      });
  });

  long total = 0;
  for (auto &a : bank)
    total += a.call(&Account::balance);
  std::printf("accounts: %d, transfers: %ld done, %ld refused, audit records: "
              "%ld\n",
              accounts, long{tellers} * per_teller - refused, refused,
              audit.call(&Audit::records));
  std::printf("total: %ld (expected %ld) %s\n", total, 1000L * accounts,
              total == 1000L * accounts ? "conserved" : "LOST MONEY");
  return total == 1000L * accounts ? 0 : 1;
}
