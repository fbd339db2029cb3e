// RUN: %check_kara_tidy %s kara-par-conflict %t -- -- -I%kara_runtime_include
// Accesses through reference members are accesses to their referent (*int),
// which may be any object but a local nothing else reaches
// (docs/effects.md#inference-from-a-body): two writes through two Views
// conflict, two reads do not, and a direct write of an int a View was bound
// to conflicts with a read through it.

#include <kara/runtime.hpp>

struct View {
  int &ref;
  void add(int d) { ref += d; }
  int get() const { return ref; }
};

int writes_through_two_views() {
  int acc = 0;
  View v1{acc}, v2{acc};
  kara::par([&] { v1.add(1); }, [&] { v2.add(2); });
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: kara::par branches 1 and 2 conflict on *int: branch 1 writes(*int), branch 2 writes(*int) [kara-par-conflict]
  // CHECK-MESSAGES: :[[@LINE-2]]:13: note: branch 1 of kara::par writes(*int)
  // CHECK-MESSAGES: :[[@LINE-3]]:19: note: calls 'View::add', which writes(*int)
  // CHECK-MESSAGES: :12:21: note: writes *int (through the reference member 'ref') here
  // CHECK-MESSAGES: :[[@LINE-5]]:33: note: branch 2 of kara::par writes(*int)
  // CHECK-MESSAGES: :[[@LINE-6]]:39: note: calls 'View::add', which writes(*int)
  // CHECK-MESSAGES: :12:21: note: writes *int (through the reference member 'ref') here
  return acc;
}

int reads_through_two_views(int seed) {
  int a = seed, b = seed;
  View v1{a}, v2{b};
  int x = 0, y = 0;
  kara::par([&] { x = v1.get(); }, [&] { y = v2.get(); });
  return x + y;
}

int read_and_direct_write() {
  int acc = 0;
  View v{acc};
  int x = 0;
  kara::par([&] { x = v.get(); }, [&] { acc = 1; });
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: kara::par branches 1 and 2 conflict on *int: branch 1 reads(*int), branch 2 writes(acc) [kara-par-conflict]
  // CHECK-MESSAGES: :[[@LINE-2]]:13: note: branch 1 of kara::par reads(*int)
  // CHECK-MESSAGES: :[[@LINE-3]]:23: note: calls 'View::get', which reads(*int)
  // CHECK-MESSAGES: :13:28: note: reads *int (through the reference member 'ref') here
  // CHECK-MESSAGES: :[[@LINE-5]]:35: note: branch 2 of kara::par writes(acc)
  // CHECK-MESSAGES: :[[@LINE-6]]:41: note: writes local 'acc' here
  return x;
}
