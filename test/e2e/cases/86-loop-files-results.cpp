// Positive (issue 13 §1): per-file processing into a vector of results
// sized beforehand, and a method called on each element of a local vector
// (`for (auto &s : shapes) s.update(dt);`) whose effects are inferred.
#include <cstdio>
#include <string>
#include <vector>

struct Result {
  std::string path;
  int lines = 0;
  bool ok = false;
};

[[kara::reads(FS)]] int count_lines(const std::string &path) noexcept {
  int n = 1;
  for (char c : path)
    n += c == '/';
  return n;
}

[[kara::pure]] int kind(const std::string &path) noexcept {
  return path.size() % 3;
}

// The caller's names and tags: a std::vector<std::string> holds no
// std::vector<int> (and the reverse), so they are distinct objects.
void tag(const std::vector<std::string> &names, std::vector<int> &tags) {
  for (std::size_t i = 0; i < names.size(); ++i)
    tags[i] = kind(names[i]);
}

struct Particle {
  double x = 0, v = 1;
  void update(double dt) { x += v * dt; }
};

int main() {
  std::vector<std::string> files;
  for (int i = 0; i < 12; ++i)
    files.push_back("src/a/" + std::to_string(i) + "/main.cpp");
  std::vector<Result> results(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    Result r;
    r.path = files[i];
    r.lines = count_lines(files[i]);
    r.ok = r.lines > 0;
    results[i] = r;
  }
  std::vector<int> tags(files.size());
  tag(files, tags);
  std::vector<Particle> shapes(25);
  const double dt = 0.125;
  for (auto &s : shapes)
    s.update(dt);
  std::printf("%s %d %d %.3f\n", results[11].path.c_str(), results[11].lines,
              tags[5], shapes[24].x);
}
// CHECK: void tag(
// CHECK-NEXT:   kara::for_each_index<std::size_t>(0, names.size(), [&](std::size_t i) {
// CHECK: kara::for_each_index<std::size_t>(0, files.size(), [&](std::size_t i) {
// CHECK: kara::for_each(shapes, [&](Particle &s) {
