//===- Effect.cpp - The kara effect algebra -------------------------------===//

#include "kara/Analysis/Effect.h"

#include <algorithm>
#include <tuple>

namespace kara {

Target Target::resource(std::vector<std::string> Path) {
  Target T;
  T.TargetKind = Kind::Resource;
  T.Path = std::move(Path);
  return T;
}

Target Target::resource(const std::string &QualifiedName) {
  std::vector<std::string> Path;
  std::size_t Start = 0;
  while (Start <= QualifiedName.size()) {
    std::size_t Sep = QualifiedName.find("::", Start);
    std::string Part = QualifiedName.substr(
        Start, Sep == std::string::npos ? std::string::npos : Sep - Start);
    if (!Part.empty())
      Path.push_back(Part);
    if (Sep == std::string::npos)
      break;
    Start = Sep + 2;
  }
  return resource(std::move(Path));
}

Target Target::thisObject(std::vector<std::string> Members) {
  Target T;
  T.TargetKind = Kind::This;
  T.Path = std::move(Members);
  return T;
}

Target Target::param(unsigned Index, std::string Name,
                     std::vector<std::string> Members) {
  Target T;
  T.TargetKind = Kind::Param;
  T.ParamIndex = Index;
  T.Name = std::move(Name);
  T.Path = std::move(Members);
  return T;
}

Target Target::local(const void *Object, std::string Name,
                     std::vector<std::string> Members) {
  Target T;
  T.TargetKind = Kind::Local;
  T.Object = Object;
  T.Name = std::move(Name);
  T.Path = std::move(Members);
  return T;
}

Target Target::unknown() { return Target(); }

Target Target::referent(std::string TypeName) {
  Target T;
  T.TargetKind = Kind::Referent;
  T.Name = std::move(TypeName);
  return T;
}

Target Target::member(const std::string &Field) const {
  Target T = *this;
  // A referent is some object of its type: its members are not told apart.
  if (T.TargetKind != Kind::Unknown && T.TargetKind != Kind::Resource &&
      T.TargetKind != Kind::Referent)
    T.Path.push_back(Field);
  return T;
}

Target Target::root() const {
  Target T = *this;
  if (T.TargetKind != Kind::Resource)
    T.Path.clear();
  return T;
}

static bool sameRoot(const Target &A, const Target &B) {
  if (A.TargetKind != B.TargetKind)
    return false;
  switch (A.TargetKind) {
  case Target::Kind::Param:
    return A.ParamIndex == B.ParamIndex;
  case Target::Kind::Local:
    return A.Object == B.Object;
  case Target::Kind::Referent:
    return A.Name == B.Name;
  default:
    return true;
  }
}

static bool isPrefix(const std::vector<std::string> &Short,
                     const std::vector<std::string> &Long) {
  return Short.size() <= Long.size() &&
         std::equal(Short.begin(), Short.end(), Long.begin());
}

bool Target::overlaps(const Target &Other) const {
  // A referent is reached through a stored pointer or reference: never a
  // local that nothing but its name reaches.
  if ((isReferent() && Other.NoAlias) || (Other.isReferent() && NoAlias))
    return false;
  if (mayBeAnyObject() || Other.mayBeAnyObject())
    return true;
  if (!sameRoot(*this, Other))
    return false;
  return isPrefix(Path, Other.Path) || isPrefix(Other.Path, Path);
}

bool Target::contains(const Target &Other) const {
  if (isUnknown())
    return true;
  if (Other.isUnknown() || !sameRoot(*this, Other))
    return false;
  return isPrefix(Path, Other.Path);
}

static std::string joinPath(const std::vector<std::string> &Path,
                            const char *Sep) {
  std::string Out;
  for (std::size_t I = 0; I < Path.size(); ++I) {
    if (I)
      Out += Sep;
    Out += Path[I];
  }
  return Out;
}

std::string Target::str() const {
  std::string Members = Path.empty() ? "" : "." + joinPath(Path, ".");
  switch (TargetKind) {
  case Kind::Resource:
    return joinPath(Path, "::");
  case Kind::This:
    return "this" + Members;
  case Kind::Param:
    return "parameter '" + Name + Members + "'";
  case Kind::Local:
    return "local '" + Name + Members + "'";
  case Kind::Unknown:
    return "unknown";
  case Kind::Referent:
    return "*" + Name;
  }
  return "unknown";
}

std::string Target::annotationSpelling() const {
  switch (TargetKind) {
  case Kind::Resource:
    return joinPath(Path, "::");
  case Kind::This:
    return "this";
  case Kind::Param:
  case Kind::Local:
    return Name;
  case Kind::Unknown:
    return "unknown";
  case Kind::Referent:
    return "*" + Name;
  }
  return "unknown";
}

bool Target::operator==(const Target &Other) const {
  return sameRoot(*this, Other) && Path == Other.Path;
}

bool Target::operator<(const Target &Other) const {
  auto Key = [](const Target &T) {
    static const std::string NoName;
    return std::make_tuple(
        static_cast<int>(T.TargetKind), T.ParamIndex,
        T.TargetKind == Kind::Local ? T.Object : nullptr,
        std::cref(T.TargetKind == Kind::Referent ? T.Name : NoName),
        std::cref(T.Path));
  };
  return Key(*this) < Key(Other);
}

bool Effect::conflictsWith(const Effect &Other) const {
  return (isWrite() || Other.isWrite()) && On.overlaps(Other.On);
}

bool Effect::covers(const Effect &Other) const {
  if (Other.isWrite() && !isWrite())
    return false;
  return On.contains(Other.On);
}

std::string Effect::str() const {
  if (On.isUnknown())
    return "unknown";
  return std::string(isWrite() ? "writes(" : "reads(") +
         On.annotationSpelling() +
         (On.Path.empty() || On.TargetKind == Target::Kind::Resource
              ? ""
              : "." + joinPath(On.Path, ".")) +
         ")";
}

bool Effect::operator<(const Effect &Other) const {
  if (On == Other.On)
    return Kind < Other.Kind;
  return On < Other.On;
}

EffectSet::EffectSet(std::initializer_list<Effect> Init) {
  for (const Effect &E : Init)
    add(E);
}

bool EffectSet::add(const Effect &E) {
  // `unknown` covers everything, but concrete effects stay listed beside it:
  // checks report them one by one.
  auto CoveredBy = [&](const Effect &Mine) {
    return Mine.On.isUnknown() == E.On.isUnknown() && Mine.covers(E);
  };
  if (std::any_of(Effects.begin(), Effects.end(), CoveredBy))
    return false;
  // The new effect may absorb members it covers.
  Effects.erase(std::remove_if(Effects.begin(), Effects.end(),
                               [&](const Effect &Old) {
                                 return Old.On.isUnknown() ==
                                            E.On.isUnknown() &&
                                        E.covers(Old);
                               }),
                Effects.end());
  Effects.insert(std::upper_bound(Effects.begin(), Effects.end(), E), E);
  return true;
}

bool EffectSet::addAll(const EffectSet &Other) {
  bool Changed = false;
  for (const Effect &E : Other.Effects)
    Changed |= add(E);
  return Changed;
}

bool EffectSet::hasUnknown() const {
  return std::any_of(Effects.begin(), Effects.end(),
                     [](const Effect &E) { return E.On.isUnknown(); });
}

bool EffectSet::covers(const Effect &E) const {
  return std::any_of(Effects.begin(), Effects.end(),
                     [&](const Effect &Mine) { return Mine.covers(E); });
}

std::optional<std::pair<Effect, Effect>>
EffectSet::firstConflict(const EffectSet &Other) const {
  for (const Effect &Mine : Effects)
    for (const Effect &Theirs : Other.Effects)
      if (Mine.conflictsWith(Theirs))
        return std::make_pair(Mine, Theirs);
  return std::nullopt;
}

std::string EffectSet::str() const {
  std::string Out = "{";
  for (std::size_t I = 0; I < Effects.size(); ++I) {
    if (I)
      Out += ", ";
    Out += Effects[I].str();
  }
  return Out + "}";
}

} // namespace kara
