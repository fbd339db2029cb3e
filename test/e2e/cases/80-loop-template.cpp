// Positive (issue 13 §1): loops inside templates. A function template and a
// member of a class template, each instantiated twice; every instantiation
// proves the loop independent and renders the same text, so the loop is
// rewritten once in the template's source.
#include <cstddef>
#include <cstdio>
#include <vector>

[[kara::pure]] int twice(int v) noexcept { return 2 * v; }
[[kara::pure]] long twice(long v) noexcept { return 2 * v; }

template <class T>
void scale_all(std::vector<T> &out, const std::vector<T> &in) {
  for (std::size_t i = 0; i < in.size(); ++i)
    out[i] = twice(in[i]);
}

struct Ball {
  double y = 0, vy = 1;
  void update(double dt) { y += vy * dt; }
};
struct Box {
  double x = 0;
  void update(double dt) { x += dt; }
};

template <class Shape> struct World {
  std::vector<Shape> shapes;
  void step(double dt) {
    for (auto &s : shapes)
      s.update(dt);
  }
};

int main() {
  std::vector<int> a(40, 3), ra(40);
  std::vector<long> b(40, 5), rb(40);
  scale_all(ra, a);
  scale_all(rb, b);
  World<Ball> balls{std::vector<Ball>(16)};
  World<Box> boxes{std::vector<Box>(16)};
  for (int t = 0; t < 3; ++t) {
    balls.step(0.5);
    boxes.step(0.25);
  }
  std::printf("%d %ld %.2f %.2f\n", ra[39], rb[0], balls.shapes[3].y,
              boxes.shapes[15].x);
}
// CHECK: void scale_all(std::vector<T> &out, const std::vector<T> &in) {
// CHECK-NEXT:   kara::for_each_index<std::size_t>(0, in.size(), [&](std::size_t i) {
// CHECK-NEXT:     out[i] = twice(in[i]);
// CHECK-NEXT:   });
// CHECK: void step(double dt) {
// CHECK-NEXT:     kara::for_each(shapes, [&](auto &s) {
// CHECK-NEXT:       s.update(dt);
// CHECK-NEXT:     });
