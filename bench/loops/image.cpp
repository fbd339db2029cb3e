// The image loop of test/e2e/cases/70-loop-image.cpp, heavier: kara-tidy
// --fix turns the outer loop into kara::for_each_index (docs/benchmarks-
// parallelize.md, "Loops"). Prints the render time in ms and a checksum.
#include <chrono>
#include <cmath>
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
    float d = std::sqrt(dx * dx + dy * dy);
    if (d < s.radius)
      c = Color{c.r + 0.5f * std::cos(d), c.g + 0.01f * x, c.b + 0.01f * y};
  }
  return c;
}

int main() {
  Scene scene;
  for (int k = 0; k < 64; ++k)
    scene.spheres.push_back({float(k * 31 % 1024), float(k * 17 % 768), 200});
  const int w = 1024, h = 768;
  std::vector<Color> img(w * h);
  auto t0 = std::chrono::steady_clock::now();
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      img[y * w + x] = shade(scene, x, y);
  auto t1 = std::chrono::steady_clock::now();
  double sum = 0;
  for (const Color &c : img)
    sum += c.r + c.g + c.b;
  std::printf("%.1f ms checksum %.3f\n",
              std::chrono::duration<double, std::milli>(t1 - t0).count(), sum);
}
