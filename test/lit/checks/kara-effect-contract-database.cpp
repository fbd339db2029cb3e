// RUN: %check_kara_tidy %s kara-effect-contract %t -- \
// RUN:   -config="{CheckOptions: {kara.EffectsDatabases: '%S/Inputs/legacy-effects.json'}}"
// RUN: %check_kara_tidy -check-suffix=BUILTIN %s kara-effect-contract %t.builtin
// Effects databases: the built-in one (C and C++ standard library) and files
// named by the kara.EffectsDatabases option, for code you cannot edit.

#include <kara/annotations.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <vector>

// Built-in: math is pure, <cstdio> and iostreams write kara::io.
[[kara::pure]] double math(double x) { return std::sqrt(x) + std::fabs(x); }
[[kara::pure]] void print(int v) { std::printf("%d\n", v); }
// CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'print' writes(kara::io), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:36: note: calls 'printf', which writes(kara::io)
// CHECK-MESSAGES: stdio.h:{{[0-9]+}}:{{[0-9]+}}: note: 'printf' writes(kara::io) according to the effects database <builtin std.json>
// CHECK-MESSAGES-BUILTIN: :[[@LINE-4]]:21: warning: 'print' writes(kara::io)
// CHECK-MESSAGES-BUILTIN: note: calls 'printf'
// CHECK-MESSAGES-BUILTIN: note: 'printf' writes(kara::io) according to the effects database <builtin std.json>
[[kara::pure]] void stream(int v) { std::cout << v << "\n"; }
// CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'stream' writes(kara::io), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:37: note: calls 'std::basic_ostream::operator<<', which writes(kara::io)
// CHECK-MESSAGES: ostream:{{[0-9]+}}:{{[0-9]+}}: note: 'std::basic_ostream::operator<<' writes(kara::io) according to the effects database <builtin std.json>
// CHECK-MESSAGES-BUILTIN: :[[@LINE-4]]:21: warning: 'stream' writes(kara::io)
// CHECK-MESSAGES-BUILTIN: note: calls 'std::basic_ostream::operator<<'
// CHECK-MESSAGES-BUILTIN: note: 'std::basic_ostream::operator<<' writes(kara::io)
[[kara::writes(kara::io)]] void io_ok(int v) { std::cout << v << "\n"; std::puts("x"); }

// Containers and algorithms act on their arguments: a local vector is private.
[[kara::pure]] int local_vector(int n) {
  std::vector<int> v;
  for (int i = 0; i < n; ++i)
    v.push_back(n - i);
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v.front();
}
[[kara::pure]] void fill_param(std::vector<int> &out) { out.push_back(1); std::sort(out.begin(), out.end()); }
[[kara::pure]] double power(double x) { return std::pow(x, 2.0); }

// A global container is a resource; a non-const member function writes it.
std::vector<int> shared;
[[kara::pure]] void push_shared(int x) { shared.push_back(x); }
// CHECK-MESSAGES: :[[@LINE-1]]:21: warning: 'push_shared' writes(shared), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:42: note: calls 'std::vector::push_back', which writes(this)
// CHECK-MESSAGES: stl_vector.h:{{[0-9]+}}:{{[0-9]+}}: note: 'std::vector::push_back' writes(this) because it is a non-const member function
// CHECK-MESSAGES-BUILTIN: :[[@LINE-4]]:21: warning: 'push_shared' writes(shared)
// CHECK-MESSAGES-BUILTIN: note: calls 'std::vector::push_back'
// CHECK-MESSAGES-BUILTIN: note: 'std::vector::push_back' writes(this) because it is a non-const member function
[[kara::reads(shared)]] std::size_t shared_size() { return shared.size(); }
[[kara::reads(shared)]] int shared_front(const std::vector<int> &v = shared) { return v.front(); }

// A user database: functions without a definition get its effects.
namespace legacy {
int query(int key);
void store(int &slot, int value);
int opaque(int);
int hash(int);
extern int errno_value;
struct Client { int fetch(int) const; void send(int); };
} // namespace legacy

[[kara::reads(LegacyDB)]] int lookup(int key) { return legacy::query(key) + legacy::hash(key); }
// CHECK-MESSAGES-BUILTIN: :[[@LINE-1]]:31: warning: 'lookup' has effects its kara annotations cannot cover: it calls code whose effects are unknown; declared {reads(LegacyDB)} [kara-effect-contract]
// CHECK-MESSAGES-BUILTIN: :[[@LINE-2]]:56: note: calls 'legacy::query', which has unknown effects
// CHECK-MESSAGES-BUILTIN: note: 'legacy::query' has no definition, no kara annotation and no effects-database entry, so its effects are unknown
[[kara::reads(LegacyDB)]] void save(int &slot) { legacy::store(slot, 1); }
// CHECK-MESSAGES: :[[@LINE-1]]:32: warning: 'save' writes(LegacyDB), which its kara annotations do not declare; declared {reads(LegacyDB), writes(slot)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:50: note: calls 'legacy::store', which writes(LegacyDB)
// CHECK-MESSAGES: :[[@LINE-14]]:6: note: 'legacy::store' writes(LegacyDB) according to the effects database {{.*}}legacy-effects.json
// CHECK-MESSAGES-BUILTIN: :[[@LINE-4]]:32: warning: 'save' has effects its kara annotations cannot cover
// CHECK-MESSAGES-BUILTIN: note: calls 'legacy::store', which has unknown effects
// CHECK-MESSAGES-BUILTIN: note: 'legacy::store' has no definition
[[kara::writes(LegacyDB)]] void save_ok(int &slot) { legacy::store(slot, 1); }
// CHECK-MESSAGES-BUILTIN: :[[@LINE-1]]:33: warning: 'save_ok' has effects
// CHECK-MESSAGES-BUILTIN: note: calls 'legacy::store'
// CHECK-MESSAGES-BUILTIN: note: 'legacy::store' has no definition
[[kara::pure]] int call_opaque(int v) { return legacy::opaque(v); }
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: 'call_opaque' has effects its kara annotations cannot cover: it calls code whose effects are unknown; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:48: note: calls 'legacy::opaque', which has unknown effects
// CHECK-MESSAGES: :[[@LINE-24]]:5: note: 'legacy::opaque' has unknown effects according to the effects database {{.*}}legacy-effects.json
// CHECK-MESSAGES-BUILTIN: :[[@LINE-4]]:20: warning: 'call_opaque' has effects
// CHECK-MESSAGES-BUILTIN: note: calls 'legacy::opaque'
// CHECK-MESSAGES-BUILTIN: note: 'legacy::opaque' has no definition

// Patterns (`legacy::Client::*`) and exact names (which win).
[[kara::reads(LegacyDB)]] int client(legacy::Client &c) { c.send(1); return c.fetch(2); }
// CHECK-MESSAGES: :[[@LINE-1]]:31: warning: 'client' writes(Network), which its kara annotations do not declare; declared {reads(LegacyDB), writes(c)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:59: note: calls 'legacy::Client::send', which writes(Network)
// CHECK-MESSAGES: :[[@LINE-30]]:44: note: 'legacy::Client::send' writes(Network) according to the effects database {{.*}}legacy-effects.json
// CHECK-MESSAGES-BUILTIN: :[[@LINE-4]]:31: warning: 'client' has effects
// CHECK-MESSAGES-BUILTIN: note: calls 'legacy::Client::send'
// CHECK-MESSAGES-BUILTIN: note: 'legacy::Client::send' has no definition

// "variables" renames a global's resource.
[[kara::reads(legacy::Errors)]] int last_error() { return legacy::errno_value; }
// CHECK-MESSAGES-BUILTIN: :[[@LINE-1]]:37: warning: 'last_error' reads(legacy::errno_value), which its kara annotations do not declare; declared {reads(legacy::Errors)} [kara-effect-contract]
// CHECK-MESSAGES-BUILTIN: note: reads legacy::errno_value here

// A later database overrides the built-in entry of the same name.
[[kara::pure]] std::size_t overridden(const char *s) { return std::strlen(s); }
// CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'overridden' reads(Overridden), which its kara annotations do not declare; declared {reads(s)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:63: note: calls 'strlen', which reads(Overridden)
// CHECK-MESSAGES: string.h:{{[0-9]+}}:{{[0-9]+}}: note: 'strlen' reads(Overridden) according to the effects database {{.*}}legacy-effects.json
