void lib_log(int n);
void broken_fn();
void client() { lib_log(1); }
void calls_broken() { broken_fn(); }
