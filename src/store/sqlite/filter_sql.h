// Filter language -> SQL: a core::filter::Expr becomes a WHERE condition over `devices d`, with
// every literal a bound parameter (never spliced into the text). Internal to the SQLite store.
//
// Every condition produced is exactly 0 or 1, never NULL, so that `not` keeps the filter
// language's two-valued meaning: a comparison with an absent label, an unset optional field
// (battery_level, signal_strength, free_memory) or last_seen 0 ("never seen") is false, except
// `!=` and `not in`, which are true; exactly as core::filter::Matches decides.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/filter.h"
#include "store/sqlite/connection.h"

namespace custos::store::sqlite {

// A value to bind. Version keys are blobs so that SQLite compares them with memcmp.
struct SqlParam {
  enum class Kind { kInt, kText, kBlob };
  Kind kind = Kind::kInt;
  std::int64_t integer = 0;
  std::string bytes;  // kText, kBlob

  static SqlParam Int(std::int64_t v) { return SqlParam{Kind::kInt, v, {}}; }
  static SqlParam Text(std::string v) { return SqlParam{Kind::kText, 0, std::move(v)}; }
  static SqlParam Blob(std::string v) { return SqlParam{Kind::kBlob, 0, std::move(v)}; }
  friend bool operator==(const SqlParam&, const SqlParam&) = default;
};

// A query for the ids of a set of devices that contains every selected device: here, the
// devices carrying a label that a positive label comparison reached from the root through
// `and` only requires. When the set is small, `d.id IN (<sql>)` lets SQLite start from the
// label index instead of testing the EXISTS condition on every device; which is cheaper
// depends on how common the label is, which SQLite's statistics cannot tell, so the caller
// counts first (see devices_read.cc).
struct Driver {
  std::string sql;  // SELECT l.device_id FROM device_labels l WHERE ...
  std::vector<SqlParam> params;
};

// A condition and its parameters, in the order of their `?` placeholders.
struct SqlCondition {
  std::string sql;
  std::vector<SqlParam> params;
  std::vector<Driver> drivers;  // optional access paths; `sql` alone is the whole meaning
};

// Translates a parsed filter. kInvalidArgument for a field this store does not know, an
// operator the field's type does not support, or a literal of the wrong type.
core::Result<SqlCondition> FilterToSql(const core::filter::Expr& expr);

// How a glob is best evaluated: exact equality (no wildcards), a half-open prefix range
// (`abc*`: >= "abc" and < "abd", which an index can serve), everything (`*`), or SQLite's GLOB
// with `[` escaped (`pattern` then holds the escaped text).
struct GlobPlan {
  enum class Kind { kEqual, kPrefix, kAll, kGlob };
  Kind kind = Kind::kGlob;
  std::string pattern;  // kEqual: the text; kPrefix: the prefix; kGlob: the escaped glob
  std::string upper;    // kPrefix: the exclusive upper bound; "" when there is none
};
GlobPlan PlanGlob(std::string_view glob);

// Binds `params` to `stmt` starting at placeholder `first`; returns the next free index.
int BindParams(Statement& stmt, const std::vector<SqlParam>& params, int first);

}  // namespace custos::store::sqlite
