// A member-function heavy simulation step: each body advances itself
// (writes(this)); distinct bodies advance in parallel, the world then
// resolves collisions, which depends on all of them. The bodies are members
// of one World: three `Body &` parameters could be one body
// (`step(ship, ship, probe, dt)`), so such a step stays sequential (e2e 55).
#include <cstdio>
#include <string>

class Body {
public:
  Body(std::string name, double x, double v) : name_(std::move(name)), x_(x), v_(v) {}
  [[kara::writes(this)]] void integrate(double dt) noexcept {
    for (int i = 0; i < 1000; ++i)
      x_ += v_ * dt / 1000.0;
  }
  [[kara::writes(this)]] void damp(double k) noexcept { v_ *= k; }
  [[kara::reads(this)]] double position() const { return x_; }
  [[kara::reads(this)]] const std::string &name() const { return name_; }

private:
  std::string name_;
  double x_, v_;
};

[[kara::pure]] double gap(const Body &a, const Body &b) {
  return b.position() - a.position();
}

struct World {
  Body ship, rock, probe;

  double step(double dt) {
    ship.integrate(dt);
    rock.integrate(dt);
    probe.integrate(dt);
    ship.damp(0.99);
    probe.damp(0.5);
    double d = gap(ship, rock);
    return d;
  }
};
// CHECK: double step(double dt) {
// CHECK-NEXT:     kara::par(
// CHECK-NEXT: [&, dt] {
// CHECK-NEXT:           ship.integrate(dt);
// CHECK-NEXT:           ship.damp(0.99);
// CHECK-NEXT:         },
// CHECK-NEXT: [&, dt] { rock.integrate(dt); },
// CHECK-NEXT: [&, dt] {
// CHECK-NEXT:           probe.integrate(dt);
// CHECK-NEXT:           probe.damp(0.5);
// CHECK-NEXT:         });
// CHECK-NEXT:     double d = gap(ship, rock);

int main() {
  World w{{"ship", 0, 3}, {"rock", 50, -1}, {"probe", 10, 8}};
  for (int t = 0; t < 5; ++t) {
    double d = w.step(1.0);
    std::printf("t=%d gap=%.3f %s=%.3f\n", t, d, w.probe.name().c_str(),
                w.probe.position());
  }
}
