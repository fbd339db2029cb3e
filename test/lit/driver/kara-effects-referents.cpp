// What a reference member or a pointer member refers to (SPEC §2,
// docs/effects.md#inference-from-a-body): an object the object does not
// own, some object of the member's referent type, printed `*T`. It is a
// known effect (no `unknown`, reads stay reads) that overlaps every target:
// two objects may refer to the same int, or to a global, or to a caller's
// local. Pointers loaded from anything else than a member stay unknown.
// RUN: %kara_effects %s -- -std=c++20 | FileCheck %s
// RUN: %kara_effects --format=json %s -- -std=c++20 | FileCheck %s --check-prefix=JSON

#include <mutex>

struct View {
  int &ref;
  int add(int d) {
    ref += d;
    return ref;
  }
  int get() const { return ref; }
};
// CHECK: View::add [inferred] {writes(*int)}
// CHECK-NEXT: writes(*int): writes *int (through the reference member 'ref') at
// CHECK: View::get [inferred] {reads(*int)}

// A View on a local, or on a reference parameter: its referent is still
// some int (the analysis does not track what the member was bound to), and
// it is not dropped as the caller's local.
int local_view() {
  int acc = 0;
  View v{acc};
  return v.add(1);
}
// CHECK: local_view [inferred] {writes(*int)}
// CHECK-NEXT: writes(*int): calls 'View::add' at

// leveldb's MutexLock: the constructor and destructor lock and unlock the
// mutex the member points to.
struct Mutex {
  std::mutex m;
  void Lock() { m.lock(); }
  void Unlock() { m.unlock(); }
};
struct MutexLock {
  Mutex *const mu_;
  explicit MutexLock(Mutex *mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() { mu_->Unlock(); }
};
// CHECK: MutexLock::MutexLock [inferred] {reads(this.mu_), writes(*Mutex)}
// CHECK: writes(*Mutex): calls 'Mutex::Lock' at
// CHECK: MutexLock::~MutexLock [inferred] {reads(this.mu_), writes(*Mutex)}
int counter;
void locked(Mutex &m) {
  MutexLock l(&m);
  ++counter;
}
// CHECK: locked [inferred] {writes(counter), writes(*Mutex)}

// Reading through a pointer member is a read.
struct Slice {
  const char *data_;
  unsigned size_;
  char operator[](unsigned n) const { return data_[n]; }
};
// CHECK: Slice::operator[] [inferred] {reads(this.data_), reads(*char)}
// CHECK: reads(*char): reads *char (through the pointer member 'data_') at
char first(const Slice &s) { return s[0]; }
// CHECK: first [inferred] {reads(s.data_), reads(*char)}

// A chain through a pointer member of another object.
struct Node {
  Node *next;
  int v;
};
int second(Node *n) { return n->next->v; }
// CHECK: second [inferred] {reads(n.next), reads(*Node)}

// Not referents: a call through a function-pointer member, a pointer loaded
// from an array element.
struct Callback {
  void (*fn)();
  void run() { fn(); }
};
// CHECK: Callback::run [inferred] {reads(this.fn), unknown}
int *table[4];
int loaded() { return *table[0]; }
// CHECK: loaded [inferred] {reads(table), unknown}

// In JSON, a function whose only effects are referents has no unknown_cause.
// JSON: "effect": "writes(*int)"
// JSON-NOT: unknown_cause
// JSON: "function": "View::add"
// JSON-NOT: unknown_cause
// JSON: "effect": "reads(*int)"
// JSON-NOT: unknown_cause
// JSON: "function": "View::get"
