//===- AttributeNames.h - How kara attributes are stored on declarations -===//
//
// KaraAttributes.cpp records every [[kara::X(args)]] as
//   annotate("kara::X", "arg1", "arg2", ...)
// with each string literal located at its argument, and a malformed one as
//   annotate("kara::malformed", "kara::X", "why").
//
//===----------------------------------------------------------------------===//
#ifndef KARA_ATTRIBUTES_ATTRIBUTENAMES_H
#define KARA_ATTRIBUTES_ATTRIBUTENAMES_H

namespace kara {
inline constexpr const char *ReadsAnnotation = "kara::reads";
inline constexpr const char *WritesAnnotation = "kara::writes";
inline constexpr const char *PureAnnotation = "kara::pure";
inline constexpr const char *SendableAnnotation = "kara::sendable";
inline constexpr const char *MalformedAnnotation = "kara::malformed";

/// Defined in KaraAttributes.cpp; reference it to keep the static attribute
/// registrations in a statically linked tool.
extern volatile int KaraAttributesAnchorSource;
} // namespace kara

#endif
