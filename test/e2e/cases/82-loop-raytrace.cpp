// Positive (issue 13 §1): the image loop of a small ray tracer, written as
// users write it: rows outer, columns inner, several samples per pixel
// accumulated into a local, the pixel stored at img[y * width + x] of the
// caller's framebuffer. The body reads the scene through a reference
// parameter too: a Scene holds no std::vector<Vec3>, and a framebuffer
// holds no Scene, so by their types the two are distinct objects.
#include <cmath>
#include <cstdio>
#include <vector>

struct Vec3 {
  double x = 0, y = 0, z = 0;
  Vec3 &operator+=(const Vec3 &o) {
    x += o.x;
    y += o.y;
    z += o.z;
    return *this;
  }
};

struct Sphere {
  Vec3 c;
  double r;
};
struct Scene {
  std::vector<Sphere> spheres;
};

[[kara::pure]] Vec3 trace(const Scene &scene, double u, double v) noexcept {
  Vec3 col{0.1, 0.1, 0.2};
  for (const Sphere &s : scene.spheres) {
    double dx = u - s.c.x, dy = v - s.c.y;
    double d2 = dx * dx + dy * dy;
    if (d2 < s.r * s.r) {
      double k = std::sqrt(s.r * s.r - d2) / s.r;
      col = Vec3{k, 0.5 * k, 0.25 + 0.5 * k};
    }
  }
  return col;
}

void render(const Scene &scene, std::vector<Vec3> &img, int width,
            int height, int samples) {
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      Vec3 acc;
      for (int s = 0; s < samples; ++s) {
        double u = (x + 0.25 * s) / width, v = (y + 0.25 * s) / height;
        acc += trace(scene, u, v);
      }
      img[y * width + x] = Vec3{acc.x / samples, acc.y / samples,
                                acc.z / samples};
    }
  }
}

int main() {
  const int width = 48, height = 32;
  Scene scene{{{{0.3, 0.4, 0}, 0.2}, {{0.7, 0.6, 0}, 0.25}}};
  std::vector<Vec3> img(width * height);
  render(scene, img, width, height, 4);
  double sum = 0;
  for (const Vec3 &p : img)
    sum += p.x + 2 * p.y + 3 * p.z;
  std::printf("%.6f\n", sum);
}
// CHECK: kara::for_each_index<int>(0, height, [&](int y) {
// CHECK-NEXT:     for (int x = 0; x < width; ++x) {
// CHECK: img[y * width + x] = Vec3{acc.x / samples, acc.y / samples,
// CHECK: });
