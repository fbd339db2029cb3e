// kara-tidy --checks=-*,kara-parallelize --fix output of test/e2e/cases/07-simulation.cpp
// (its CHECK lines removed first, as run_e2e.py does), kept as a program that
// a user of the installed runtime builds. Expected output: 07-simulation.out.
// A member-function heavy simulation step: each body advances itself
// (writes(this)); distinct bodies advance in parallel, the world then
// resolves collisions, which depends on all of them.
#include <cstdio>
#include <kara/runtime.hpp>
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

double step(Body &ship, Body &rock, Body &probe, double dt) {
  kara::par(
      [&, dt] {
        ship.integrate(dt);
        ship.damp(0.99);
      },
      [&, dt] { rock.integrate(dt); },
      [&, dt] {
        probe.integrate(dt);
        probe.damp(0.5);
      });
  double d = gap(ship, rock);
  return d;
}

int main() {
  Body ship("ship", 0, 3), rock("rock", 50, -1), probe("probe", 10, 8);
  for (int t = 0; t < 5; ++t) {
    double d = step(ship, rock, probe, 1.0);
    std::printf("t=%d gap=%.3f %s=%.3f\n", t, d, probe.name().c_str(),
                probe.position());
  }
}
