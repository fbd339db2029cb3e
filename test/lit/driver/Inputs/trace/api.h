#pragma once
#include <vector>
extern int audit;
void f1(std::vector<int> &v);
void f2(std::vector<int> &v, int n);
void f3(int n, std::vector<int> &out);
int g1();
int g2();
int missing(); // defined in no unit
