int ping(int n);
int rec_state;
int pong(int n) {
  rec_state = n;
  return ping(n - 1);
}
