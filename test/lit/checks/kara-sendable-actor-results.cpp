// RUN: %check_kara_tidy -expect-exit=1 -notes=loose %s kara-sendable %t -- -- -std=c++20 -I%kara_runtime_include
// Messages whose values or results are not sendable (SPEC §8). The runtime
// rejects each at compile time (the errors below, from actor.hpp); the
// check names the argument at the call, and the actor state member a result
// would let escape. Notes are loose: the compiler's instantiation notes
// come with the errors.

#include <kara/runtime.hpp>

struct Account {
  int balance = 0;
  int *raw() { return &balance; }
  void keep(int *p) { balance = *p; }
};

void pointer_result(kara::actor<Account> &a) {
  int *p = a.call(&Account::raw);
  (void)p;
}
// CHECK-MESSAGES-DAG: :[[@LINE-3]]:19: warning: the result of a message (call) is not sendable: raw pointer 'int *'; the actor's state member 'balance' would escape to the caller, outside the actor's messages (return a copy) [kara-sendable]

void pointer_argument(kara::actor<Account> &a) {
  int local = 1;
  a.send(&Account::keep, &local);
}
// CHECK-MESSAGES-DAG: :[[@LINE-2]]:26: warning: argument 1 of a message to an actor (send) is not sendable: raw pointer 'int *'; it would share data with another task; send a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]

// The runtime's own errors for the same two calls.
// CHECK-MESSAGES-DAG: actor.hpp:{{[0-9]+}}:{{[0-9]+}}: error: static assertion failed due to requirement 'std::is_void_v<int *> || is_sendable_v<int *>': kara::actor::ask: the handler's result type is not sendable [clang-diagnostic-error]
// CHECK-MESSAGES-DAG: actor.hpp:{{[0-9]+}}:{{[0-9]+}}: error: static assertion failed due to requirement 'is_sendable_v<int *>': kara::actor: message argument 1 is not sendable {{.*}} [clang-diagnostic-error]
// CHECK-MESSAGES-DAG: actor.hpp:{{[0-9]+}}:{{[0-9]+}}: error: static assertion expression is not an integral constant expression [clang-diagnostic-error]
