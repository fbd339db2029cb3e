// RUN: %check_kara_tidy %s kara-effect-contract %t -- -- -I%kara_runtime_include
// RUN: %check_kara_tidy -check-suffix=PAR %s kara-par-conflict %t.par -- -- -I%kara_runtime_include
// References, pointers and handles (SPEC §2, issue 9.1.4): a member of
// reference type designates its referent, which the object does not own; an
// iterator, a view or a shared_ptr refers to storage it does not own, so
// writes through it are not writes of the handle. Owning types (containers,
// unique_ptr, optional) keep what they refer to inside the object.

#include <kara/annotations.hpp>
#include <kara/runtime.hpp>

#include <memory>
#include <span>
#include <vector>

// Two Views may refer to the same int: writes(this) does not cover `ref`.
struct View {
  int &ref;
  [[kara::writes(this)]] int add(int d) noexcept {
    ref += d;
    return ref;
  }
  // CHECK-MESSAGES: :[[@LINE-4]]:30: warning: 'add' writes(*int): it goes through a stored pointer or reference to an object its object does not own, which its kara annotations cannot cover; declared {writes(this)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-4]]:5: note: writes *int (through the reference member 'ref') here
};

int two_views() {
  int acc = 0;
  View v1{acc}, v2{acc};
  kara::par([&] { v1.add(1); }, [&] { v2.add(2); });
  // CHECK-MESSAGES-PAR: :[[@LINE-1]]:3: warning: kara::par branches 1 and 2 conflict on *int: branch 1 writes(*int), branch 2 writes(*int) [kara-par-conflict]
  // CHECK-MESSAGES-PAR: :[[@LINE-2]]:13: note: branch 1 of kara::par writes(*int)
  // CHECK-MESSAGES-PAR: :[[@LINE-3]]:19: note: calls 'View::add', which writes(*int)
  // CHECK-MESSAGES-PAR: :20:5: note: writes *int (through the reference member 'ref') here
  // CHECK-MESSAGES-PAR: :[[@LINE-5]]:33: note: branch 2 of kara::par writes(*int)
  // CHECK-MESSAGES-PAR: :[[@LINE-6]]:39: note: calls 'View::add', which writes(*int)
  // CHECK-MESSAGES-PAR: :20:5: note: writes *int (through the reference member 'ref') here
  return acc;
}

// Handles passed by value write what they refer to: the parameter's object.
[[kara::pure]] void through_iterator(std::vector<int>::iterator it) { *it = 1; }
// CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'through_iterator' writes(it), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:71: note: writes parameter 'it' here
[[kara::writes(s)]] void through_span(std::span<int> s) { s[0] = 1; }
[[kara::pure]] void through_shared(std::shared_ptr<int> p) { *p = 1; }
// CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'through_shared' writes(p), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:62: note: writes parameter 'p' here

// A unique_ptr member owns its object; a shared_ptr member shares it.
struct Owner {
  std::unique_ptr<int> up;
  std::shared_ptr<int> sp;
  [[kara::writes(this)]] void set_owned() { *up = 1; }
  [[kara::writes(this)]] void set_shared() { *sp = 1; }
  // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: 'set_shared' accesses memory the analysis cannot name (through a reference or pointer it does not follow), which its kara annotations cannot cover; declared {writes(this)} [kara-effect-contract]
  // CHECK-MESSAGES: :[[@LINE-2]]:46: note: writes unknown (through a pointer or reference the analysis cannot follow) here
};

// Containers own their elements; a conditional argument binds one of two
// objects, each of which is read (not `unknown`).
[[kara::pure]] void fill(std::vector<int> &v) { v[0] = 1; }
[[kara::pure]] int pick(const std::vector<int> &a, const std::vector<int> &b,
                        bool c) {
  std::vector<int> out;
  out.push_back(c ? a[0] : b[0]);
  return out[0];
}
// Iterating with iterators reads the container.
[[kara::pure]] long sum(const std::vector<int> &v) {
  long s = 0;
  for (auto it = v.begin(); it != v.end(); ++it)
    s += *it;
  return s;
}
