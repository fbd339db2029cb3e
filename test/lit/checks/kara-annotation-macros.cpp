// RUN: %check_kara_tidy %s kara-annotation %t
// Malformed attributes written through the KARA_* macros or user macros are
// reported where the macro is used, with the expansion notes; a fix is
// offered only where the argument is written as one token in the file.

#include <kara/annotations.hpp>

KARA_WRITES(ouput) void fill(int &output);
// CHECK-MESSAGES: :[[@LINE-1]]:13: warning: in {{\[\[}}kara::writes{{\]\]}}: 'ouput' is not a parameter of 'fill'; did you mean 'output'? (a name that is not a parameter is a global resource) [kara-annotation]
// CHECK-FIXES: {{^}}KARA_WRITES(output) void fill(int &output);{{$}}

KARA_READS() int empty();
// CHECK-MESSAGES: :[[@LINE-1]]:1: warning: malformed {{\[\[}}kara::reads{{\]\]}}: empty resource list; name at least one resource, or use {{\[\[}}kara::pure{{\]\]}} [kara-annotation]
// CHECK-MESSAGES: annotations.hpp:{{[0-9]+}}:{{[0-9]+}}: note: expanded from macro 'KARA_READS'

KARA_READS(this) int not_a_member();
// CHECK-MESSAGES: :[[@LINE-1]]:12: warning: in {{\[\[}}kara::reads{{\]\]}}: 'this' is only meaningful on a non-static member function [kara-annotation]

// A user macro whose body holds the misspelt name: reported at the use, with
// a note at the definition, and no fix (the definition serves every use).
#define READS_THSI KARA_READS(thsi)
struct T {
  READS_THSI int m(int thsi2);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: in {{\[\[}}kara::reads{{\]\]}}: 'thsi' is not a parameter of 'm'; did you mean 'thsi2'? (a name that is not a parameter is a global resource) [kara-annotation]
  // CHECK-MESSAGES: :[[@LINE-4]]:31: note: 'thsi' is written in this macro definition
};

#define EMPTY_READS KARA_READS()
EMPTY_READS int empty_macro();
// CHECK-MESSAGES: :[[@LINE-1]]:1: warning: malformed {{\[\[}}kara::reads{{\]\]}}: empty resource list; name at least one resource, or use {{\[\[}}kara::pure{{\]\]}} [kara-annotation]
// CHECK-MESSAGES: :[[@LINE-3]]:21: note: expanded from macro 'EMPTY_READS'
// CHECK-MESSAGES: annotations.hpp:{{[0-9]+}}:{{[0-9]+}}: note: expanded from macro 'KARA_READS'

#define PURE_WITH(X) [[kara::pure(X)]]
PURE_WITH(DB) int pure_args();
// CHECK-MESSAGES: :[[@LINE-1]]:1: warning: malformed {{\[\[}}kara::pure{{\]\]}}: kara::pure takes no arguments [kara-annotation]
// CHECK-MESSAGES: :[[@LINE-3]]:30: note: expanded from macro 'PURE_WITH'

// Accepted.
#define DB_READER KARA_READS(DB::Users, DB::Orders)
#define ON(R) [[kara::reads(R)]]
#define TWO(A, B) KARA_WRITES(A, B)
DB_READER int ok1();
ON(UserDB) int ok2();
TWO(UserDB, out) int ok3(int &out);
KARA_PURE int ok4();
