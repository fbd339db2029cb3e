// A build-graph pipeline: parse four modules, type-check each, link pairs,
// then package. Independent nodes run in parallel; nodes depending on several
// branches wait for the next kara::par.
#include <cstdio>
#include <string>
#include <vector>

struct Ast { std::string module; int nodes; };
struct Checked { std::string module; int types; };
struct Object { std::string name; int size; };

[[kara::pure]] Ast parse(const std::string &module) {
  int n = 0;
  for (int i = 0; i < 20000; ++i)
    n = (n * 31 + static_cast<int>(module.size()) + i) % 1000;
  return Ast{module, n};
}
[[kara::pure]] Checked typecheck(const Ast &ast) {
  return Checked{ast.module, ast.nodes / 3 + 1};
}
[[kara::pure]] Object link(const Checked &a, const Checked &b) {
  return Object{a.module + "+" + b.module, a.types + b.types};
}

int build() {
  Ast core = parse("core");
  Ast net = parse("net");
  Checked core_t = typecheck(core);
  Checked net_t = typecheck(net);
  Object lib = link(core_t, net_t);
  Ast app = parse("app");
  Checked app_t = typecheck(app);
  Object exe = link(app_t, core_t);
  std::printf("%s=%d %s=%d\n", lib.name.c_str(), lib.size, exe.name.c_str(),
              exe.size);
  return lib.size + exe.size;
}
// CHECK: int build() {
// CHECK-NEXT:   auto [core, net] = kara::par(
// CHECK-NEXT:       [&]() -> Ast { return parse("core"); },
// CHECK-NEXT:       [&]() -> Ast { return parse("net"); });
// CHECK-NEXT:   auto [core_t, net_t] = kara::par(
// CHECK-NEXT:       [&]() -> Checked { return typecheck(core); },
// CHECK-NEXT:       [&]() -> Checked { return typecheck(net); });
// CHECK-NEXT:   auto [lib, exe] = kara::par(
// CHECK-NEXT:       [&]() -> Object { return link(core_t, net_t); },
// CHECK-NEXT:       [&]() -> Object {
// CHECK-NEXT:         Ast app = parse("app");
// CHECK-NEXT:         Checked app_t = typecheck(app);
// CHECK-NEXT:         return link(app_t, core_t);
// CHECK-NEXT:       });
// CHECK-NEXT:   std::printf("%s=%d %s=%d\n", lib.name.c_str(), lib.size, exe.name.c_str(),
// CHECK-NEXT:               exe.size);
// CHECK-NEXT:   return lib.size + exe.size;
// CHECK-NEXT: }

int main() { std::printf("total %d\n", build()); }
