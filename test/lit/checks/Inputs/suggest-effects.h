#pragma once
namespace geo {
extern int Scale;
int area(int w, int h);
void fill(int &out);
int peek(int &out);
} // namespace geo
