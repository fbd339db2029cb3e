// A library of the consumer project that uses the runtime: the executables
// reach Kara::runtime through it (target_link_libraries(... PUBLIC)).
#ifndef KARA_CONSUMER_SUPPORT_HPP
#define KARA_CONSUMER_SUPPORT_HPP

namespace consumer {
long fib(int n);
} // namespace consumer

#endif
