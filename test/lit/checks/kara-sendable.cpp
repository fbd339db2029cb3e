// RUN: %check_kara_tidy %s kara-sendable %t -- -- -I%kara_runtime_include

// Rejected patterns of kara-sendable (SPEC §6). The accepted counterparts are
// in kara-sendable-accepted.cpp; use after move in kara-sendable-unique.cpp;
// classes in kara-sendable-classes.cpp; loops, nested scopes and tasks
// spawned from tasks in kara-sendable-scope.cpp.

#include <kara/runtime.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct Node { int value; Node *next; };
int consume(int);
void log_line(std::string_view);

// --- non-sendable values captured by value ---------------------------------

void raw_pointer_into_par(std::vector<int> &v) {
  int *out = v.data();
  kara::par([out] { out[0] = consume(1); }, [] { consume(2); });
// CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'out' is captured by value into a branch of kara::par but is not sendable: raw pointer 'int *'; capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
}

void struct_with_pointer_into_spawn(Node head) {
  kara::scope([&](kara::nursery &n) {
    n.spawn([head] { consume(head.next->value); });
// CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'head' is captured by value into a task of kara::scope (n.spawn) but is not sendable: raw pointer 'Node *' in field 'next'; capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
  });
}

void shared_mutable_into_spawn(std::shared_ptr<std::vector<int>> rows) {
  auto h = kara::spawn([rows] { rows->push_back(1); });
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 'rows' is captured by value into a task of kara::spawn but is not sendable: std::shared_ptr to mutable data 'std::shared_ptr<std::vector<int>>'; capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
  h.join();
}

// An init-capture is a capture like any other.
void init_capture(std::vector<int> &v) {
  kara::scope([&](kara::nursery &n) {
    n.spawn([p = &v] { p->push_back(1); });
// CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'p' is captured by value into a task of kara::scope (n.spawn) but is not sendable: raw pointer 'std::vector<int> *'; capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
  });
}

// An implicit by-copy capture is reported where the variable is used.
void implicit_copy(std::string &s) {
  std::string_view view = s;
  auto h = kara::spawn_blocking([=] { log_line(view); });
// CHECK-MESSAGES: :[[@LINE-1]]:48: warning: 'view' is captured by value into a task of kara::spawn_blocking but is not sendable: view 'std::string_view'; capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
}

// A lambda stored in a variable before it is passed: reported at the
// capture, with a note where it crosses the boundary.
void stored_lambda(std::vector<int> &v) {
  int *first = v.data();
  auto branch = [first] { *first = 1; };
// CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'first' is captured by value into a branch of kara::par but is not sendable: raw pointer 'int *'; capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
  kara::par(branch, [] { consume(3); });
// CHECK-MESSAGES: :[[@LINE-1]]:13: note: the lambda is passed to kara::par here
}

void map_callable(std::vector<int> &v, std::vector<int> &out) {
  int *dst = out.data();
  auto r = kara::map([dst](int x) { dst[x] = x; return x; }, v);
// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'dst' is captured by value into the callable of kara::map but is not sendable: raw pointer 'int *'; capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
}

void race_branch(Node *n) {
  kara::race([n] { return n->value; }, [] { return 0; });
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'n' is captured by value into a branch of kara::race but is not sendable: raw pointer 'Node *'; capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
}

void unique_ptr_capture(std::vector<int> &v) {
  auto owned = std::make_unique<int>(3);
  auto h = kara::spawn([p = std::move(owned)] { consume(*p); });
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 'p' is captured by value into a task of kara::spawn but is not sendable: std::unique_ptr 'std::unique_ptr<int>' (use kara::unique); capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
}

void function_capture(std::function<int()> f) {
  kara::par([f] { consume(f()); }, [] { consume(4); });
// CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'f' is captured by value into a branch of kara::par but is not sendable: type-erased callable 'std::function<int ()>' (what it wraps may hold references); capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
}

// A lambda that itself captures by reference, copied into a task.
void nested_closure(int &counter) {
  auto bump = [&counter] { ++counter; };
  auto h = kara::spawn([bump] { bump(); });
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: 'bump' is captured by value into a task of kara::spawn but is not sendable: reference to 'int' in the lambda's capture of 'counter'; capture a sendable copy, move it in as a kara::unique, or opt the type in [kara-sendable]
}

// --- kara::recover: the callable captures only sendable values ---------------

struct Graph { std::vector<Node *> nodes; };
void recover_pointer(Node *root) {
  auto g = kara::recover([root] { return Graph{{root}}; });
// CHECK-MESSAGES: :[[@LINE-1]]:27: warning: the callable of kara::recover captures 'root', which is not sendable: raw pointer 'Node *'; the result could share what it points to, so it would not be unique [kara-sendable]
}
void recover_by_reference(std::vector<Node *> &nodes) {
  auto g = kara::recover([&] { return Graph{nodes}; });
// CHECK-MESSAGES: :[[@LINE-1]]:45: warning: the callable of kara::recover captures 'nodes', which is not sendable: raw pointer 'Node *'; the result could share what it points to, so it would not be unique [kara-sendable]
}

// --- `this` captured into a task that may outlive the object ----------------

class Poller {
public:
  void start() {
    worker_ = kara::spawn([this] { poll(); });
// CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'this' is captured by a task of kara::spawn, whose handle is stored in member 'worker_': the task may outlive the object (its handle is joined only when 'worker_' is destroyed, after the destructor has run and later members are gone); join it in the destructor, use a kara::scope, or capture copies [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:13: note: the handle is stored in 'worker_' here
  }
  void poll();

private:
  kara::join_handle<void> worker_;
  std::vector<int> buffer_;
};

class Pool {
public:
  Pool() : first_(kara::spawn([this] { work(); })) {}
// CHECK-MESSAGES: :[[@LINE-1]]:32: warning: 'this' is captured by a task of kara::spawn, whose handle is stored in member 'first_': the task may outlive the object (its handle is joined only when 'first_' is destroyed, after the destructor has run and later members are gone); join it in the destructor, use a kara::scope, or capture copies [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:12: note: the handle is stored in 'first_' here
  void add() {
    auto task = [&] { work(); };
    more_.push_back(kara::spawn_blocking(task));
// CHECK-MESSAGES: :[[@LINE-2]]:23: warning: 'this' is captured by a task of kara::spawn_blocking, whose handle is stored in member 'more_': the task may outlive the object (its handle is joined only when 'more_' is destroyed, after the destructor has run and later members are gone); join it in the destructor, use a kara::scope, or capture copies [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:11: note: the handle is stored in 'more_' here
  }
  void work();

private:
  kara::join_handle<void> first_;
  std::vector<kara::join_handle<void>> more_;
};
