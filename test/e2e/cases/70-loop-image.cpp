// Positive (issue 13 §1): a ray-tracer-like image loop. Every pixel is
// img[y * w + x] for the outer loop's own y (0 <= x < w), so the outer loop
// runs as kara::for_each_index; the inner loop stays inside the lambda.
#include <cstdio>
#include <vector>

struct Color {
  float r, g, b;
};
struct Sphere {
  float cx, cy, radius;
};
struct Scene {
  std::vector<Sphere> spheres;
};

[[kara::pure]] Color shade(const Scene &scene, int x, int y) noexcept {
  Color c{0.1f, 0.1f, 0.1f};
  for (const Sphere &s : scene.spheres) {
    float dx = x - s.cx, dy = y - s.cy;
    if (dx * dx + dy * dy < s.radius * s.radius)
      c = Color{0.9f, 0.2f + 0.01f * x, 0.3f + 0.01f * y};
  }
  return c;
}

int main() {
  Scene scene{{{8, 6, 4}, {20, 10, 5}, {30, 4, 3}}};
  const int w = 40, h = 16;
  std::vector<Color> img(w * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      img[y * w + x] = shade(scene, x, y);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x)
      std::putchar(img[y * w + x].r > 0.5f ? '#' : '.');
    std::putchar('\n');
  }
  double sum = 0;
  for (const Color &c : img)
    sum += c.g;
  std::printf("%.3f\n", sum);
}
// CHECK: kara::for_each_index<int>(0, h, [&](int y) {
// CHECK-NEXT:     for (int x = 0; x < w; ++x)
// CHECK-NEXT:       img[y * w + x] = shade(scene, x, y);
// CHECK-NEXT:   });
// CHECK-NEXT:   for (int y = 0; y < h; ++y) {
// CHECK: for (const Color &c : img)
// CHECK-NEXT: sum += c.g;
