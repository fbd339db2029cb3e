#pragma once
void record();
inline void bump_inline();
