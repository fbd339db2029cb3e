// f1 -> f2 -> ... -> f10, one function per file; f10 writes the global sink.
void f1(int);
void f2(int);
void f3(int);
void f4(int);
void f5(int);
void f6(int);
void f7(int);
void f8(int);
void f9(int);
void f10(int);
