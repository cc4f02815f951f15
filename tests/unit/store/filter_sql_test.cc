// Filter -> SQL on its own: the shape of the SQL (indexable forms, bound parameters) and the
// glob plans. What the SQL selects is checked against core::filter::Matches in the contract.
#include "store/sqlite/filter_sql.h"

#include <gtest/gtest.h>

namespace custos::store::sqlite {
namespace {

using core::filter::VersionSortKey;

SqlCondition Translate(std::string_view text) {
  auto parsed = core::filter::Parse(text);
  EXPECT_TRUE(parsed) << text << ": " << parsed.error().message;
  if (!parsed) return {};
  auto sql = FilterToSql(*parsed);
  EXPECT_TRUE(sql) << text << ": " << sql.error().message;
  return sql ? *sql : SqlCondition{};
}

TEST(FilterSqlTest, ComparisonsBindTheirLiterals) {
  SqlCondition c = Translate(R"(manufacturer = "Acme")");
  EXPECT_EQ(c.sql, "d.manufacturer = ?");
  EXPECT_EQ(c.params, std::vector<SqlParam>{SqlParam::Text("Acme")});
}

TEST(FilterSqlTest, LiteralsNeverReachTheSqlText) {
  SqlCondition c = Translate(R"(name = "x' OR 1=1 --" or labels.k = "'; DROP TABLE devices")");
  EXPECT_EQ(c.sql.find("OR 1=1"), std::string::npos) << c.sql;
  EXPECT_EQ(c.sql.find("DROP"), std::string::npos) << c.sql;
  ASSERT_EQ(c.params.size(), 3u);
  EXPECT_EQ(c.params[0], SqlParam::Text("x' OR 1=1 --"));
  EXPECT_EQ(c.params[1], SqlParam::Text("k"));
  EXPECT_EQ(c.params[2], SqlParam::Text("'; DROP TABLE devices"));
}

TEST(FilterSqlTest, VersionsCompareSortKeysAsBlobs) {
  SqlCondition c = Translate(R"(firmware_version < "2.10")");
  EXPECT_EQ(c.sql, "d.firmware_key < ?");
  EXPECT_EQ(c.params, std::vector<SqlParam>{SqlParam::Blob(VersionSortKey("2.10"))});
  SqlCondition in = Translate(R"(hardware_version in ("1.0", "2"))");
  EXPECT_EQ(in.sql, "(d.hardware_key IN (?, ?))");
  EXPECT_EQ(in.params[1], SqlParam::Blob(VersionSortKey("2")));
}

TEST(FilterSqlTest, VersionGlobMatchesTheText) {
  SqlCondition c = Translate(R"(firmware_version ~ "2.*")");
  EXPECT_EQ(c.sql, "(d.firmware_version >= ? AND d.firmware_version < ?)");
}

TEST(FilterSqlTest, StatesBooleansAndTimesAreIntegers) {
  EXPECT_EQ(Translate(R"(state = "retired")").params, std::vector<SqlParam>{SqlParam::Int(3)});
  EXPECT_EQ(Translate("online = true").params, std::vector<SqlParam>{SqlParam::Int(1)});
  SqlCondition t = Translate(R"(created_at >= "2026-11-01T00:00:00Z")");
  EXPECT_EQ(t.sql, "d.created_at >= ?");
  EXPECT_EQ(t.params, std::vector<SqlParam>{SqlParam::Int(1793491200000)});
}

TEST(FilterSqlTest, UnsetOptionalFieldsAreFalseExceptForNegations) {
  EXPECT_EQ(Translate("battery_level <= 20").sql,
            "(d.battery_level IS NOT NULL AND d.battery_level <= ?)");
  EXPECT_EQ(Translate("battery_level != 20").sql,
            "(d.battery_level IS NULL OR d.battery_level != ?)");
  EXPECT_EQ(Translate("free_memory not in (1, 2)").sql,
            "(d.free_memory IS NULL OR d.free_memory NOT IN (?, ?))");
  EXPECT_EQ(Translate("signal_strength in (1)").sql,
            "(d.signal_strength IS NOT NULL AND d.signal_strength IN (?))");
  // last_seen 0 means never seen: no value.
  EXPECT_EQ(Translate("last_seen < 5").sql, "(d.last_seen != 0 AND d.last_seen < ?)");
  EXPECT_EQ(Translate("last_seen != 5").sql, "(d.last_seen = 0 OR d.last_seen != ?)");
}

TEST(FilterSqlTest, LabelsAreSubqueriesAndNegationsAreTrueWhenAbsent) {
  const std::string head = "(SELECT 1 FROM device_labels l WHERE l.device_id = d.id AND l.key = ?";
  EXPECT_EQ(Translate(R"(labels.region = "eu")").sql, "EXISTS " + head + " AND l.value = ?)");
  EXPECT_EQ(Translate(R"(labels.region != "eu")").sql, "NOT EXISTS " + head + " AND l.value = ?)");
  EXPECT_EQ(Translate(R"(labels.region not in ("eu", "us"))").sql,
            "NOT EXISTS " + head + " AND l.value IN (?, ?))");
  EXPECT_EQ(Translate(R"(labels.region < "f")").sql, "EXISTS " + head + " AND l.value < ?)");
  EXPECT_EQ(Translate("labels.region exists").sql, "EXISTS " + head + ")");
  EXPECT_EQ(Translate(R"(labels.region ~ "e*")").sql,
            "EXISTS " + head + " AND l.value >= ? AND l.value < ?)");
  EXPECT_EQ(Translate(R"(labels.region ~ "*")").sql, "EXISTS " + head + ")");
  EXPECT_EQ(Translate(R"(labels.region = "eu")").params,
            (std::vector<SqlParam>{SqlParam::Text("region"), SqlParam::Text("eu")}));
}

TEST(FilterSqlTest, GlobsUseAnIndexableFormWhenTheyCan) {
  EXPECT_EQ(Translate(R"(name ~ "sensor-*")").sql, "(d.name >= ? AND d.name < ?)");
  EXPECT_EQ(Translate(R"(name ~ "sensor-*")").params,
            (std::vector<SqlParam>{SqlParam::Text("sensor-"), SqlParam::Text("sensor.")}));
  EXPECT_EQ(Translate(R"(name ~ "exact")").sql, "(d.name = ?)");
  EXPECT_EQ(Translate(R"(name ~ "*")").sql, "(1)");
  EXPECT_EQ(Translate(R"(name ~ "*-1?")").sql, "(d.name GLOB ?)");
  EXPECT_EQ(Translate(R"(name ~ "a[1]*b")").params,
            std::vector<SqlParam>{SqlParam::Text("a[[]1]*b")});
}

TEST(FilterSqlTest, BooleanStructureIsKept) {
  SqlCondition c = Translate(R"(not (model = "a" or model = "b") and online = false)");
  EXPECT_EQ(c.sql, "(NOT ((d.model = ? OR d.model = ?)) AND d.online = ?)");
  EXPECT_EQ(c.params.size(), 3u);
}

TEST(FilterSqlTest, UnknownFieldIsInvalidArgument) {
  core::filter::Expr e;
  e.comparison.field.name = "colour";
  e.comparison.values = {std::string("red")};
  e.comparison.position = 4;
  auto sql = FilterToSql(e);
  ASSERT_FALSE(sql);
  EXPECT_EQ(sql.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(sql.error().position, 4u);
}

TEST(FilterSqlTest, WrongLiteralTypeIsInvalidArgument) {
  core::filter::Expr e;
  e.comparison.field.name = "battery_level";
  e.comparison.field.type = core::filter::FieldType::kInteger;
  e.comparison.values = {std::string("full")};
  EXPECT_EQ(FilterToSql(e).error().code, core::ErrorCode::kInvalidArgument);
}

TEST(FilterSqlTest, OnlyRequiredPositiveLabelsBecomeDrivers) {
  auto drivers = [](std::string_view text) { return Translate(text).drivers.size(); };
  EXPECT_EQ(drivers(R"(labels.site = "b3")"), 1u);
  EXPECT_EQ(drivers(R"(labels.site exists and (model = "x" and labels.region in ("eu")))"), 2u);
  EXPECT_EQ(drivers(R"(labels.site ~ "b*" and online = true)"), 1u);
  EXPECT_EQ(drivers(R"(labels.site = "b3" or model = "x")"), 0u);
  EXPECT_EQ(drivers(R"(not (labels.site = "b3"))"), 0u);
  EXPECT_EQ(drivers(R"(labels.site != "b3")"), 0u);
  EXPECT_EQ(drivers(R"(labels.site not in ("b3"))"), 0u);
  EXPECT_EQ(drivers(R"(model = "x")"), 0u);
  SqlCondition c = Translate(R"(model = "x" and labels.site ~ "b*")");
  ASSERT_EQ(c.drivers.size(), 1u);
  EXPECT_EQ(c.drivers[0].sql,
            "SELECT l.device_id FROM device_labels l WHERE l.key = ? AND l.value >= ? AND "
            "l.value < ?");
  EXPECT_EQ(c.drivers[0].params, (std::vector<SqlParam>{SqlParam::Text("site"), SqlParam::Text("b"),
                                                        SqlParam::Text("c")}));
}

struct GlobCase {
  const char* glob;
  GlobPlan::Kind kind;
  std::string pattern;
  std::string upper;
};

TEST(FilterSqlTest, GlobPlans) {
  const GlobCase cases[] = {
      {"abc", GlobPlan::Kind::kEqual, "abc", ""},
      {"", GlobPlan::Kind::kEqual, "", ""},
      {"abc*", GlobPlan::Kind::kPrefix, "abc", "abd"},
      {"ab\xff*", GlobPlan::Kind::kPrefix, "ab\xff", "ac"},
      {"*", GlobPlan::Kind::kAll, "", ""},
      {"a*c", GlobPlan::Kind::kGlob, "a*c", ""},
      {"a?*", GlobPlan::Kind::kGlob, "a?*", ""},
      {"*abc", GlobPlan::Kind::kGlob, "*abc", ""},
      {"[x]*?", GlobPlan::Kind::kGlob, "[[]x]*?", ""},
      {"a**", GlobPlan::Kind::kGlob, "a**", ""},
  };
  for (const GlobCase& c : cases) {
    GlobPlan plan = PlanGlob(c.glob);
    EXPECT_EQ(plan.kind, c.kind) << c.glob;
    EXPECT_EQ(plan.pattern, c.pattern) << c.glob;
    EXPECT_EQ(plan.upper, c.upper) << c.glob;
  }
}

TEST(FilterSqlTest, PrefixOfMaximalBytesHasNoUpperBound) {
  GlobPlan plan = PlanGlob("\xff\xff*");
  EXPECT_EQ(plan.kind, GlobPlan::Kind::kPrefix);
  EXPECT_EQ(plan.upper, "");
  GlobPlan carry = PlanGlob("a\xff*");
  EXPECT_EQ(carry.upper, "b");
}

}  // namespace
}  // namespace custos::store::sqlite
