// Negative: calls with unknown effects (through a function pointer, a virtual
// call) conflict with everything.
// E2E-EXPECT: unchanged
#include <cstdio>

int shared = 0;

[[kara::reads(shared)]] int peek() noexcept { return shared; }
void poke() { shared = 9; }

struct Sink {
  virtual ~Sink() = default;
  virtual void put(int v) { shared += v; }
};

[[kara::pure]] int id(int v) noexcept { return v; }

int main() {
  void (*fp)() = poke;
  Sink sink;
  Sink &s = sink;
  int a = (fp(), id(1));
  int b = peek();
  s.put(id(2));
  int c = peek();
  std::printf("%d %d %d\n", a, b, c);
}
