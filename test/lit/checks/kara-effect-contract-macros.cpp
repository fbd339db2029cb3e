// RUN: %check_kara_tidy %s kara-effect-contract %t
// The KARA_* macros of <kara/annotations.hpp>, and user macros wrapping them
// or the attribute, declare the same effects as the attribute spelling.

#include <kara/annotations.hpp>

KARA_WRITES(UserDB) void save(int v);
KARA_READS(UserDB) int load();

#define DB_READER KARA_READS(DB::Users, DB::Orders)
#define READS_ONE(R) [[kara::reads(R)]]
#define WRITES_TWO(A, B) KARA_WRITES(A, B)

KARA_READS(UserDB) int f1() { save(1); return load(); }
// CHECK-MESSAGES: :[[@LINE-1]]:24: warning: 'f1' writes(UserDB), which its kara annotations do not declare; declared {reads(UserDB)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:31: note: calls 'save', which writes(UserDB)
// CHECK-MESSAGES: :[[@LINE-10]]:26: note: 'save' is declared writes(UserDB) here

KARA_PURE int f2() { return load(); }
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'f2' reads(UserDB), which its kara annotations do not declare; declared {} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:29: note: calls 'load', which reads(UserDB)
// CHECK-MESSAGES: :[[@LINE-14]]:24: note: 'load' is declared reads(UserDB) here

DB_READER int f3() { save(2); return 0; }
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'f3' writes(UserDB), which its kara annotations do not declare; declared {reads(DB::Orders), reads(DB::Users)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:22: note: calls 'save', which writes(UserDB)
// CHECK-MESSAGES: :[[@LINE-20]]:26: note: 'save' is declared writes(UserDB) here

READS_ONE(Other) int f4() { return load(); }
// CHECK-MESSAGES: :[[@LINE-1]]:22: warning: 'f4' reads(UserDB), which its kara annotations do not declare; declared {reads(Other)} [kara-effect-contract]
// CHECK-MESSAGES: :[[@LINE-2]]:36: note: calls 'load', which reads(UserDB)
// CHECK-MESSAGES: :[[@LINE-24]]:24: note: 'load' is declared reads(UserDB) here

// Accepted: the macro arguments are recovered exactly.
KARA_WRITES(UserDB) int ok1() { save(1); return load(); }
DB_READER int ok2() { return 0; }
READS_ONE(UserDB) int ok3() { return load(); }
WRITES_TWO(Other, UserDB) int ok4() { save(3); return load(); }
KARA_PURE int ok5(int a, int b) { return a + b; }
