//===- Effect.h - The kara effect algebra ----------------------*- C++ -*-===//
//
// Effects are accesses (read or write) to targets. A target is a global
// resource path (`DB::Users`), the object a member function runs on (`this`),
// the object a parameter refers to, a local variable of the function being
// analysed, or `unknown`. Targets form a hierarchy through member paths:
// `DB` contains `DB::Users`, `this` contains `this.cache`.
//
// Two effects conflict when their targets overlap and at least one writes.
// `unknown` overlaps everything. This header has no Clang dependency; the
// analysis maps Clang entities onto these values.
//
//===----------------------------------------------------------------------===//
#ifndef KARA_ANALYSIS_EFFECT_H
#define KARA_ANALYSIS_EFFECT_H

#include <optional>
#include <string>
#include <vector>

namespace kara {

enum class Access { Read, Write };

/// What an effect touches.
struct Target {
  enum class Kind {
    Resource, ///< a global resource: `UserDB`, `DB::Users`, `ns::counter`
    This,     ///< the implicit object of a member function
    Param,    ///< the object parameter `Index` refers to at the call site
    Local,    ///< a local variable of the function being analysed
    Unknown,  ///< anything: overlaps every target
    /// What a pointer or reference stored in memory (a reference or pointer
    /// member, a pointer loaded from a member) refers to: some object of
    /// type `Name`, which the analysis cannot tell apart from any other.
    /// It overlaps every target, like Unknown (two objects may refer to the
    /// same int, or to a global or a caller's local), but it is a known
    /// effect: a read of it is only a read, and callers can see its type.
    Referent,
  };

  Kind TargetKind = Kind::Unknown;
  /// Resource: the name path. Others: the member path below the object.
  std::vector<std::string> Path;
  /// Param: the parameter's position.
  unsigned ParamIndex = 0;
  /// Local: identity of the variable (a clang::VarDecl*, opaque here).
  const void *Object = nullptr;
  /// Local: nothing but the variable's own name reaches it (its address is
  /// never taken, it is never bound to a reference), so no Referent can be
  /// it. False unless the analysis proved it; not part of identity.
  bool NoAlias = false;
  /// Param and Local: the name used when printing. Referent: the spelling
  /// of the referent's type.
  std::string Name;

  static Target resource(std::vector<std::string> Path);
  /// Parses `A::B::C` (a leading `::` is ignored).
  static Target resource(const std::string &QualifiedName);
  static Target thisObject(std::vector<std::string> Members = {});
  static Target param(unsigned Index, std::string Name,
                      std::vector<std::string> Members = {});
  static Target local(const void *Object, std::string Name,
                      std::vector<std::string> Members = {});
  static Target unknown();
  /// The referent of a stored pointer or reference, of type `TypeName`.
  static Target referent(std::string TypeName);

  bool isUnknown() const { return TargetKind == Kind::Unknown; }
  bool isReferent() const { return TargetKind == Kind::Referent; }
  /// True for the targets that may be any object (Unknown and Referent):
  /// every analysis that tells objects apart must treat them as overlapping
  /// whatever it owns or designates.
  bool mayBeAnyObject() const { return isUnknown() || isReferent(); }
  /// The same target narrowed to one of its members.
  Target member(const std::string &Field) const;
  /// The same root object without a member path.
  Target root() const;

  /// True if one target contains the other (or they are the same).
  bool overlaps(const Target &Other) const;
  /// True if every access to `Other` is an access to this target.
  bool contains(const Target &Other) const;

  /// `UserDB`, `DB::Users`, `this`, `this.cache`, `param 'out'`,
  /// `local 'x'`, `unknown`, `*int` (a referent).
  std::string str() const;
  /// The spelling an annotation would use: `DB::Users`, `this`, `out`
  /// (`*T` for a referent, which no annotation can name; the effects
  /// database spells it so).
  std::string annotationSpelling() const;

  bool operator==(const Target &Other) const;
  bool operator!=(const Target &Other) const { return !(*this == Other); }
  bool operator<(const Target &Other) const;
};

struct Effect {
  Access Kind = Access::Read;
  Target On;

  static Effect read(Target T) { return {Access::Read, std::move(T)}; }
  static Effect write(Target T) { return {Access::Write, std::move(T)}; }
  static Effect unknown() { return {Access::Write, Target::unknown()}; }

  bool isWrite() const { return Kind == Access::Write; }
  /// Two effects conflict when they may touch the same data and one writes.
  bool conflictsWith(const Effect &Other) const;
  /// True if declaring this effect permits `Other` (a write permits reads).
  bool covers(const Effect &Other) const;
  /// `reads(UserDB)`, `writes(this)`, `unknown`.
  std::string str() const;

  bool operator==(const Effect &Other) const {
    return Kind == Other.Kind && On == Other.On;
  }
  bool operator<(const Effect &Other) const;
};

/// A normalised set of effects: no duplicates, and an effect covered by
/// another member is dropped (a write of `DB` absorbs a read of `DB::Users`).
class EffectSet {
public:
  EffectSet() = default;
  EffectSet(std::initializer_list<Effect> Effects);

  /// Adds an effect; returns true if the set changed.
  bool add(const Effect &E);
  /// Adds every effect of `Other`; returns true if the set changed.
  bool addAll(const EffectSet &Other);

  bool empty() const { return Effects.empty(); }
  std::size_t size() const { return Effects.size(); }
  bool hasUnknown() const;
  /// True if some member of this set covers `E`.
  bool covers(const Effect &E) const;
  /// The first pair (mine, theirs) that conflicts, if any.
  std::optional<std::pair<Effect, Effect>>
  firstConflict(const EffectSet &Other) const;
  bool conflictsWith(const EffectSet &Other) const {
    return firstConflict(Other).has_value();
  }

  const std::vector<Effect> &effects() const { return Effects; }
  auto begin() const { return Effects.begin(); }
  auto end() const { return Effects.end(); }

  /// `{reads(UserDB), writes(this)}`; `{}` when empty.
  std::string str() const;

  bool operator==(const EffectSet &Other) const {
    return Effects == Other.Effects;
  }

private:
  std::vector<Effect> Effects; // sorted
};

} // namespace kara

#endif // KARA_ANALYSIS_EFFECT_H
