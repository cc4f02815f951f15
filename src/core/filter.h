// The fleet filter language: one small expression language for selecting devices, used by
// device listing, dynamic groups and (later) campaigns.
//
//   manufacturer = "Acme" and firmware_version < "2.1" and labels.region in ("eu", "us")
//   not (state = "retired") and (name ~ "sensor-*" or battery_level <= 20)
//   labels.site exists and last_seen < "2026-11-01T00:00:00Z"
//
// Grammar (keywords are case-insensitive; `not` binds tighter than `and`, `and` than `or`):
//   expr       := or
//   or         := and ("or" and)*
//   and        := unary ("and" unary)*
//   unary      := "not" unary | "(" expr ")" | comparison
//   comparison := field op value | field ["not"] "in" "(" value ("," value)* ")"
//               | field "~" string | field "exists"
//   op         := "=" | "!=" | "<" | "<=" | ">" | ">="
//   field      := identifier | "labels." label-key
//   value      := "double-quoted string with \" and \\ escapes" | integer | true | false
//
// `~` matches a glob: `*` any run of characters, `?` one character; "abc*" is a prefix match.
// Version fields compare by version semantics ("2.10" > "2.9", "1.0-rc1" < "1.0"); time fields
// take RFC 3339 strings or integer milliseconds; `state` takes a lifecycle state name. A
// comparison with an absent label or an unset optional field (battery_level, ...) is false,
// except `!=` and `not in`, which are true.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/device.h"
#include "core/error.h"

namespace custos::core::filter {

enum class FieldType { kString, kVersion, kInteger, kBoolean, kTime, kState };

// The fields a filter may name. `labels.<key>` is a kString field with is_label set.
struct Field {
  std::string name;       // "manufacturer", "firmware_version", "labels.region", ...
  FieldType type = FieldType::kString;
  bool is_label = false;
  std::string label_key;  // for labels.<key>
};

// Known non-label fields, with their types:
//   id(kInteger) name protocol manufacturer model serial address transport power_source
//   (kString) hardware_version firmware_version software_version (kVersion)
//   state (kState) online queue_mode (kBoolean) battery_level signal_strength free_memory
//   lifetime (kInteger) last_seen created_at updated_at (kTime)
const std::vector<Field>& KnownFields();

enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn, kMatch, kExists };

// The operator as the language writes it: "=", "!=", "<", "<=", ">", ">=", "in", "not in",
// "~", "exists". The six comparisons are spelled as SQL spells them too.
const char* ToString(Op op);

// A literal after type checking: strings for kString/kVersion/kState (state as its name),
// int64 for kInteger/kTime (time as epoch milliseconds), bool for kBoolean.
using Value = std::variant<std::string, std::int64_t, bool>;

struct Comparison {
  Field field;
  Op op = Op::kEq;
  std::vector<Value> values;  // one for plain comparisons, several for in/not in, none for exists
  std::size_t position = 0;   // byte offset of the field in the source text
};

struct Expr {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<Expr> children;  // two or more for and/or, one for not
  Comparison comparison;       // for kCompare
};

// Parses and type-checks a filter. Errors are kInvalidArgument with `position` set to the
// byte offset of the offending token and a message such as
// "unknown field 'colour'" or "expected a value after '<'". At most 64 KiB of text and
// nesting depth 64.
Result<Expr> Parse(std::string_view text);

// Whether a device satisfies the expression.
bool Matches(const Expr& expr, const Device& device);

// Version order: split into runs of digits and runs of other characters at '.', '-', '+', '_'
// and digit/non-digit boundaries; digit runs compare numerically, others lexically; a
// pre-release suffix ("-rc1", "-beta") sorts before the release it precedes; "1.0" == "1.0.0".
// Returns <0, 0, >0.
int CompareVersions(std::string_view a, std::string_view b);

// A byte string whose memcmp order equals CompareVersions order, so that a store can index
// versions: sign(memcmp(Key(a), Key(b))) == sign(CompareVersions(a, b)).
std::string VersionSortKey(std::string_view version);

// Canonical text of an expression (re-parses to an equal expression).
std::string ToString(const Expr& expr);

// Matches `text` against a glob with `*` and `?`.
bool GlobMatch(std::string_view glob, std::string_view text);

}  // namespace custos::core::filter
