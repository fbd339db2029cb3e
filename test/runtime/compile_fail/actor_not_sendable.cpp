// Must not compile: message argument 2 of an actor send is a raw pointer to
// mutable data (or, with the variants below, a reference result, a
// non-sendable constructor argument, a channel of pointers). With
// KARA_CF_CONTROL everything is sendable and it must compile.
#include <kara/runtime.hpp>

#include <string>

struct Log {
  Log() = default;
  explicit Log(int *) {}
  void add(std::string s, int n) { lines += s.size() + n; }
  void add_ptr(std::string s, int *n) { lines += s.size() + *n; }
  std::size_t &ref() { return lines; }
  std::size_t lines = 0;
};

int main() {
  int counter = 0;
  kara::actor<Log> log;
#if defined(KARA_CF_CONTROL)
  log.send(&Log::add, std::string("x"), counter);
  kara::channel<std::string> ch(1);
#elif defined(KARA_CF_REF_RESULT)
  (void)log.ask(&Log::ref);
#elif defined(KARA_CF_CTOR)
  kara::actor<Log> other(&counter);
#elif defined(KARA_CF_CHANNEL)
  kara::channel<int *> ch(1);
#else
  log.send(&Log::add_ptr, std::string("x"), &counter);
#endif
  return 0;
}
