// Included by lib.cpp only (the fmt/format-inl.h shape): lib_log has a body
// in no main file.
int log_lines;
void lib_log(int n) { log_lines += n; }
