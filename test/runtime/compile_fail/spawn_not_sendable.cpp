// Must not compile: argument 2 of kara::spawn is a raw pointer to mutable
// data. With KARA_CF_CONTROL it is a sendable value and must compile.
#include <kara/runtime.hpp>

#include <memory>
#include <string>

int main() {
  int counter = 0;
#if defined(KARA_CF_CONTROL)
  auto h = kara::spawn([](std::string s, int c) { return s.size() + c; },
                       std::string("x"), counter);
#elif defined(KARA_CF_SHARED_PTR)
  auto shared = std::make_shared<std::string>("mutable");
  auto h = kara::spawn([](std::shared_ptr<std::string> s) { return s->size(); },
                       shared);
#else
  auto h = kara::spawn([](std::string s, int *c) { return s.size() + *c; },
                       std::string("x"), &counter);
#endif
  return static_cast<int>(h.join());
}
