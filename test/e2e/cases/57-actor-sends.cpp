// Issue 14 (Tool, Effects): a message send is an effect on the actor. Sends
// to two distinct actors may run in parallel; two sends to one actor keep
// their order (a write of the actor each), so the second pair stays as it
// is. The actors' own state is none of the caller's effects. A send's only
// throw is allocation failure, hence AllocationMayThrow: false (otherwise
// StrictExceptionOrder keeps every later send after it).
// E2E-TIDY-ARGS: '--config={CheckOptions: {kara-parallelize.AllocationMayThrow: false}}'
#include <kara/annotations.hpp>
#include <kara/runtime.hpp>
#include <cstdio>
#include <string>

[[kara::pure]] int price(int k) noexcept { return k * 3 + 1; }

struct Ledger {
  std::string log;
  void add(int v) { log += std::to_string(v) + ";"; }
  std::string dump() const { return log; }
};

std::string run(int k) {
  kara::actor<Ledger> left;
  kara::actor<Ledger> right;
  left.send(&Ledger::add, price(k));
  right.send(&Ledger::add, price(k + 1));
  left.send(&Ledger::add, price(k + 2));
  left.send(&Ledger::add, price(k + 3));
  return left.call(&Ledger::dump) + "|" + right.call(&Ledger::dump);
}

int main() { std::printf("%s\n", run(2).c_str()); }

// CHECK: std::string run(int k) {
// CHECK-NEXT:   kara::actor<Ledger> left;
// CHECK-NEXT:   kara::actor<Ledger> right;
// CHECK-NEXT:   kara::par(
// CHECK-NEXT: [&, k] {
// CHECK-NEXT:         left.send(&Ledger::add, price(k));
// CHECK-NEXT:         left.send(&Ledger::add, price(k + 2));
// CHECK-NEXT:         left.send(&Ledger::add, price(k + 3));
// CHECK-NEXT:       },
// CHECK-NEXT: [&, k] { right.send(&Ledger::add, price(k + 1)); });
// CHECK-NEXT:   return left.call(&Ledger::dump) + "|" + right.call(&Ledger::dump);
