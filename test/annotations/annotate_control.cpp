// Control for codegen.py: an annotation clang records into the IR.
[[clang::annotate("kara-control")]] int recorded(int x) { return x + 1; }
int use() { return recorded(2); }
