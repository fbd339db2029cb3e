// Positive (issue 13 §1): a per-file processing loop. Each iteration writes
// only its own element (through the reference loop variable), so the loop
// runs as kara::for_each.
#include <cstdio>
#include <string>
#include <vector>

struct File {
  std::string path;
  long result = 0;
};

[[kara::reads(FS)]] long process(const std::string &path) noexcept {
  long h = 7;
  for (char c : path)
    h = h * 31 + c;
  return h % 1000;
}

int main() {
  std::vector<File> files;
  for (int i = 0; i < 24; ++i)
    files.push_back(File{"src/file" + std::to_string(i) + ".cpp"});
  for (auto &f : files)
    f.result = process(f.path);
  for (const File &f : files)
    std::printf("%s %ld\n", f.path.c_str(), f.result);
}
// CHECK: kara::for_each(files, [&](File &f) {
// CHECK-NEXT:     f.result = process(f.path);
// CHECK-NEXT:   });
