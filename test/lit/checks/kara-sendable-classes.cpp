// RUN: %check_kara_tidy %s kara-sendable %t -- -- -I%kara_runtime_include

// Classes marked [[kara::sendable]] are checked field by field (SPEC §6):
// every field and base must be sendable. Each bad field is reported at the
// field, with a note at the attribute.

#include <kara/runtime.hpp>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <vector>

struct Plain { int x, y; };                 // sendable by what it holds
struct HoldsPointer { int *p; };            // not: a raw pointer
enum class Color { Red, Green };

// --- rejected --------------------------------------------------------------

struct [[kara::sendable]] RawPointer {
  int *data;
// CHECK-MESSAGES: :[[@LINE-1]]:8: warning: field 'data' of 'RawPointer' is not sendable: raw pointer 'int *'; a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy, a kara::unique, or a std::shared_ptr<const T> instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:10: note: 'RawPointer' is marked {{\[\[kara::sendable\]\]}} here
  int size;
};

// Even a pointer to const data: the owner may change or free it.
struct [[kara::sendable]] ConstPointer {
  const char *name;
// CHECK-MESSAGES: :[[@LINE-1]]:15: warning: field 'name' of 'ConstPointer' is not sendable: raw pointer 'const char *'; a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy, a kara::unique, or a std::shared_ptr<const T> instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:10: note: 'ConstPointer' is marked {{\[\[kara::sendable\]\]}} here
};

struct [[kara::sendable]] ReferenceMember {
  std::string &name;
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: field 'name' of 'ReferenceMember' is not sendable: reference 'std::string &'; a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:10: note: 'ReferenceMember' is marked {{\[\[kara::sendable\]\]}} here
};

struct [[kara::sendable]] SharedMutable {
  std::shared_ptr<std::vector<int>> rows;
// CHECK-MESSAGES: :[[@LINE-1]]:37: warning: field 'rows' of 'SharedMutable' is not sendable: std::shared_ptr to mutable data 'std::shared_ptr<std::vector<int>>'; a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy, a kara::unique, or a std::shared_ptr<const T> instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:10: note: 'SharedMutable' is marked {{\[\[kara::sendable\]\]}} here
};

// A field whose class holds a pointer; the path names the inner field.
struct [[kara::sendable]] Nested {
  HoldsPointer inner;
// CHECK-MESSAGES: :[[@LINE-1]]:16: warning: field 'inner' of 'Nested' is not sendable: raw pointer 'int *' in field 'p'; a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy, a kara::unique, or a std::shared_ptr<const T> instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:10: note: 'Nested' is marked {{\[\[kara::sendable\]\]}} here
};

// Containers are sendable only if their elements are.
struct [[kara::sendable]] VectorOfPointers {
  std::vector<int *> items;
// CHECK-MESSAGES: :[[@LINE-1]]:22: warning: field 'items' of 'VectorOfPointers' is not sendable: raw pointer 'int *'; a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy, a kara::unique, or a std::shared_ptr<const T> instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:10: note: 'VectorOfPointers' is marked {{\[\[kara::sendable\]\]}} here
  std::map<std::string, std::shared_ptr<int>> index;
// CHECK-MESSAGES: :[[@LINE-1]]:47: warning: field 'index' of 'VectorOfPointers' is not sendable: std::shared_ptr to mutable data 'std::shared_ptr<int>'; a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy, a kara::unique, or a std::shared_ptr<const T> instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-6]]:10: note: 'VectorOfPointers' is marked {{\[\[kara::sendable\]\]}} here
};

struct [[kara::sendable]] Views {
  std::string_view text;
// CHECK-MESSAGES: :[[@LINE-1]]:20: warning: field 'text' of 'Views' is not sendable: view 'std::string_view'; a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy, a kara::unique, or a std::shared_ptr<const T> instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:10: note: 'Views' is marked {{\[\[kara::sendable\]\]}} here
};

struct [[kara::sendable]] Owning {
  std::unique_ptr<int> value;
// CHECK-MESSAGES: :[[@LINE-1]]:24: warning: field 'value' of 'Owning' is not sendable: std::unique_ptr 'std::unique_ptr<int>' (use kara::unique); a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy, a kara::unique, or a std::shared_ptr<const T> instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:10: note: 'Owning' is marked {{\[\[kara::sendable\]\]}} here
};

struct [[kara::sendable]] Callback {
  std::function<void()> done;
// CHECK-MESSAGES: :[[@LINE-1]]:25: warning: field 'done' of 'Callback' is not sendable: type-erased callable 'std::function<void ()>' (what it wraps may hold references); a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy, a kara::unique, or a std::shared_ptr<const T> instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-3]]:10: note: 'Callback' is marked {{\[\[kara::sendable\]\]}} here
};

// A base class counts like a field.
struct [[kara::sendable]] DerivedFromPointer : HoldsPointer {
// CHECK-MESSAGES: :[[@LINE-1]]:48: warning: base 'HoldsPointer' of 'DerivedFromPointer' is not sendable: raw pointer 'int *' in field 'p'; a {{\[\[kara::sendable\]\]}} class may hold only sendable values [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-2]]:10: note: 'DerivedFromPointer' is marked {{\[\[kara::sendable\]\]}} here
  int extra;
};

// The attribute on a class template: its fields are checked once, at the
// template, where their types do not depend on the parameters.
template <class T> struct [[kara::sendable]] Box {
  T value;
  double *scale;
// CHECK-MESSAGES: :[[@LINE-1]]:11: warning: field 'scale' of 'Box' is not sendable: raw pointer 'double *'; a {{\[\[kara::sendable\]\]}} class may hold only sendable values (hold a copy, a kara::unique, or a std::shared_ptr<const T> instead) [kara-sendable]
// CHECK-MESSAGES: :[[@LINE-4]]:29: note: 'Box' is marked {{\[\[kara::sendable\]\]}} here
};
Box<int> box_instance{};

// --- accepted ---------------------------------------------------------------

struct [[kara::sendable]] Money { long cents; std::string currency; };
struct [[kara::sendable]] Containers {
  std::vector<std::string> names;
  std::map<std::string, std::vector<double>> series;
  std::optional<Money> price;
  std::variant<int, std::string> key;
  std::tuple<int, Color, std::string> row;
  std::pair<int, long> range;
  std::array<Plain, 4> corners;
  int fixed[8];
};
struct [[kara::sendable]] SharedConst {
  std::shared_ptr<const std::vector<int>> table; // immutable shared data
  std::shared_ptr<const Money> money;
};
struct [[kara::sendable]] Unique {
  kara::unique<HoldsPointer> graph; // owned, nothing else references it
};
struct [[kara::sendable]] FunctionPointer {
  int (*callback)(int);             // code is immutable
  Color color;
  Plain where;                      // a plain struct holding values
};
struct Opted { int *p; using kara_sendable = void; }; // opted in: trusted
struct OptedBySpecialisation { int *p; };
template <> struct kara::enable_sendable<OptedBySpecialisation> : std::true_type {};
struct [[kara::sendable]] HoldsOptedIn {
  Opted a;
  OptedBySpecialisation b;
  Money m;
};
struct [[kara::sendable]] Recursive {
  std::vector<Recursive> children;  // recursive types are fine
  std::string label;
};
struct [[kara::sendable]] Chrono {
  std::chrono::milliseconds timeout;
  std::chrono::steady_clock::time_point deadline;
};
template <class T> struct [[kara::sendable]] Wrapper { T value; };
Wrapper<int *> not_checked_at_instantiation{}; // the template is checked
