// Two units each define their own internal `helper`: neither leaks into the
// other's callers.
int g1;
static void helper() { g1 = 1; }
namespace {
void anon() { g1 = 2; }
} // namespace
void use1() {
  helper();
  anon();
}
