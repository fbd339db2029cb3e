// Sample for tool.plugin: clang-tidy-19 --load=libKaraTidyPlugin.so.
#include <kara/annotations.hpp>

int Counter;

// CHECK: plugin_sample.cpp:[[@LINE+1]]:29: warning: 'bump' {{.*}}Counter{{.*}}which its kara annotations do not declare{{.*}} [kara-effect-contract]
[[kara::reads(Config)]] int bump() { return ++Counter; }

// CHECK: plugin_sample.cpp:[[@LINE+1]]:15: warning: in {{\[\[kara::reads\]\]}}: {{.*}}did you mean 'id'{{.*}} [kara-annotation]
[[kara::reads(idd)]] int lookup(int id);

KARA_PURE int add(int a, int b) { return a + b; }
// CHECK-NOT: add{{.*}}kara-effect-contract
