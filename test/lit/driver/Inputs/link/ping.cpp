// ping and pong call each other across units: a recursion the link step
// solves as one strongly connected component.
int pong(int n);
int rec_input;
int ping(int n) { return n <= 0 ? rec_input : pong(n - 1); }
