// Annotated code that plain compilers must build warning-free under
// -Wall -Wextra -Werror once the target links Kara::annotations (SPEC §2).
#include <kara/annotations.hpp>

namespace B {
struct C {};
} // namespace B

// Direct spelling, qualified resource path.
[[kara::reads(A, B::C)]] int fetch(int id);
int fetch(int id) { return id + 1; }

[[kara::writes(DB::Users)]] void store(int &slot, int value);
void store(int &slot, int value) { slot = value; }

[[kara::pure]] int add(int a, int b) { return a + b; }

struct Account {
  // `this` on member functions.
  [[kara::writes(this)]] void deposit(int amount) { balance += amount; }
  [[kara::reads(this)]] int get() const { return balance; }
  KARA_WRITES(this, Audit) void withdraw(int amount) { balance -= amount; }
  int balance = 0;
};

// The macro spellings.
KARA_READS(DB::Orders) int orders(int id) { return id * 3; }
KARA_WRITES(DB::Orders) void cancel(int &id) { id = 0; }
KARA_PURE int twice(int x) { return 2 * x; }

// User macros that wrap the kara macros.
#define MY_READS_DB KARA_READS(DB)
#define MY_WRITES(...) KARA_WRITES(__VA_ARGS__)
#define MY_PURE KARA_PURE
MY_READS_DB int count() { return 7; }
MY_WRITES(Log, DB::Users) void audit(int &n) { ++n; }
MY_PURE int square(int x) { return x * x; }

// Sendable classes.
class [[kara::sendable]] Message {
public:
  int id = 0;
};
struct KARA_SENDABLE Packet {
  int size = 0;
};

int use_all() {
  Account acc;
  acc.deposit(fetch(1));
  acc.withdraw(add(1, 2));
  int slot = 0;
  store(slot, orders(2));
  cancel(slot);
  audit(slot);
  Message m;
  Packet p;
  return acc.get() + twice(slot) + count() + square(m.id) + p.size;
}
