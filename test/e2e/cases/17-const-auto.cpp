// Positive: const declarations give `const auto [...]`; `auto` stays deduced
// (the branch has no explicit return type) and explicit types stay explicit.
#include <cstdio>
#include <string>
#include <vector>

[[kara::reads(Config)]] std::string config_name() { return "prod"; }
[[kara::reads(Metrics)]] std::vector<double> samples() { return {1.5, 2.5, 4.0}; }
[[kara::reads(Clock)]] long epoch() noexcept { return 1700000000L; }

void show() {
  const auto name = config_name();
  const std::vector<double> xs = samples();
  const auto when = epoch();
  double total = 0;
  for (double x : xs)
    total += x;
  std::printf("%s %.1f %ld\n", name.c_str(), total, when);
}
// CHECK: void show() {
// CHECK-NEXT:   const auto [name, xs, when] = kara::par(
// CHECK-NEXT:       [&] { return config_name(); },
// CHECK-NEXT:       [&]() -> std::vector<double> { return samples(); },
// CHECK-NEXT:       [&] { return epoch(); });
// CHECK-NEXT:   double total = 0;

int main() { show(); }
