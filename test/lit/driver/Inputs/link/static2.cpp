int g2;
static void helper() { g2 = 1; }
namespace {
void anon() { g2 = 2; }
} // namespace
void use2() {
  helper();
  anon();
}
