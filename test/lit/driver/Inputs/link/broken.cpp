// Does not compile: reported, the other units are summarized, and
// broken_fn's callers stay unknown.
int broken_state;
void broken_fn() { broken_state = 1; }
void oops() { this is not C++; }
