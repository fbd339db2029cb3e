// Positive: a C++17 translation unit; the rewrite compiles as C++17.
// E2E-FLAGS: -std=c++17
#include <cstdio>
#include <string>

[[kara::reads(Names)]] std::string first(int id) { return "n" + std::to_string(id); }
[[kara::reads(Scores)]] int score(int id) noexcept { return id * 11; }

int main() {
  std::string name = first(4);
  int s = score(4);
  std::printf("%s %d\n", name.c_str(), s);
}
// CHECK: int main() {
// CHECK-NEXT:   auto [name, s] = kara::par(
// CHECK-NEXT:       [&]() -> std::string { return first(4); },
// CHECK-NEXT:       [&]() -> int { return score(4); });
