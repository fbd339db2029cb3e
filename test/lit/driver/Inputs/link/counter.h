// An inline function every unit that includes this header defines.
extern int counter;
inline void bump() { ++counter; }
