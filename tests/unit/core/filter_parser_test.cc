#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/core.h"

namespace custos::core::filter {
namespace {

// Structural equality, ignoring source positions.
bool SameExpr(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.children.size() != b.children.size()) return false;
  for (std::size_t i = 0; i < a.children.size(); ++i) {
    if (!SameExpr(a.children[i], b.children[i])) return false;
  }
  if (a.kind != Expr::Kind::kCompare) return true;
  const Comparison& x = a.comparison;
  const Comparison& y = b.comparison;
  return x.field.name == y.field.name && x.field.type == y.field.type &&
         x.field.is_label == y.field.is_label && x.field.label_key == y.field.label_key &&
         x.op == y.op && x.values == y.values;
}

Expr MustParse(std::string_view text) {
  auto e = Parse(text);
  EXPECT_TRUE(e.has_value()) << text << ": " << (e ? "" : e.error().message);
  return e ? *e : Expr{};
}

TEST(FilterParserTest, BriefExampleParsesToAndOfThree) {
  Expr e = MustParse(
      R"(manufacturer = "Acme" and firmware_version < "2.1" and labels.region in ("eu", "us"))");
  ASSERT_EQ(e.kind, Expr::Kind::kAnd);
  ASSERT_EQ(e.children.size(), 3u);
  const Comparison& m = e.children[0].comparison;
  EXPECT_EQ(m.field.name, "manufacturer");
  EXPECT_EQ(m.op, Op::kEq);
  EXPECT_EQ(m.values, std::vector<Value>{Value{std::string("Acme")}});
  EXPECT_EQ(m.position, 0u);
  const Comparison& f = e.children[1].comparison;
  EXPECT_EQ(f.field.type, FieldType::kVersion);
  EXPECT_EQ(f.op, Op::kLt);
  EXPECT_EQ(f.position, 26u);
  const Comparison& l = e.children[2].comparison;
  EXPECT_TRUE(l.field.is_label);
  EXPECT_EQ(l.field.label_key, "region");
  EXPECT_EQ(l.op, Op::kIn);
  EXPECT_EQ(l.values, (std::vector<Value>{Value{std::string("eu")}, Value{std::string("us")}}));
}

struct CanonicalCase {
  const char* input;
  const char* canonical;
};

// Every operator, every literal kind, keyword case, and the parentheses precedence needs.
TEST(FilterParserTest, ParsesAndPrintsCanonically) {
  const CanonicalCase cases[] = {
      {R"(name = "a")", R"(name = "a")"},
      {R"(name!="a")", R"(name != "a")"},
      {"battery_level < 20", "battery_level < 20"},
      {"battery_level<=20", "battery_level <= 20"},
      {"signal_strength > -90", "signal_strength > -90"},
      {"free_memory >= 1024", "free_memory >= 1024"},
      {R"(state IN ("active", "disabled"))", R"(state in ("active", "disabled"))"},
      {R"(protocol NOT in ("mqtt"))", R"(protocol not in ("mqtt"))"},
      {R"(name ~ "sensor-*")", R"(name ~ "sensor-*")"},
      {"labels.site EXISTS", "labels.site exists"},
      {"online = TRUE", "online = true"},
      {"queue_mode != false", "queue_mode != false"},
      {"id in (1, 2, 3)", "id in (1, 2, 3)"},
      {R"(last_seen < "2026-11-01T00:00:00Z")", R"(last_seen < "2026-11-01T00:00:00.000Z")"},
      {R"(created_at >= "2026-11-01T02:00:00.5+02:00")",
       R"(created_at >= "2026-11-01T00:00:00.500Z")"},
      {"updated_at > 0", R"(updated_at > "1970-01-01T00:00:00.000Z")"},
      {R"(name = "say \"hi\" \\ bye")", R"(name = "say \"hi\" \\ bye")"},
      {R"(labels.k8s.io/zone-a = "x")", R"(labels.k8s.io/zone-a = "x")"},
  };
  for (const auto& c : cases) {
    auto e = Parse(c.input);
    ASSERT_TRUE(e.has_value()) << c.input << ": " << e.error().message;
    EXPECT_EQ(ToString(*e), c.canonical) << c.input;
  }
}

TEST(FilterParserTest, NotBindsTighterThanAndThanOr) {
  Expr e = MustParse(R"(not name = "a" and model = "b" or serial = "c")");
  ASSERT_EQ(e.kind, Expr::Kind::kOr);
  ASSERT_EQ(e.children.size(), 2u);
  const Expr& left = e.children[0];
  ASSERT_EQ(left.kind, Expr::Kind::kAnd);
  ASSERT_EQ(left.children.size(), 2u);
  EXPECT_EQ(left.children[0].kind, Expr::Kind::kNot);
  EXPECT_EQ(left.children[0].children[0].comparison.field.name, "name");
  EXPECT_EQ(left.children[1].comparison.field.name, "model");
  EXPECT_EQ(e.children[1].comparison.field.name, "serial");
}

TEST(FilterParserTest, ParenthesesOverridePrecedence) {
  Expr e = MustParse(R"(name = "a" and (model = "b" or serial = "c"))");
  ASSERT_EQ(e.kind, Expr::Kind::kAnd);
  EXPECT_EQ(e.children[1].kind, Expr::Kind::kOr);
  EXPECT_EQ(ToString(e), R"(name = "a" and (model = "b" or serial = "c"))");

  Expr n = MustParse(R"(not (state = "retired" or online = false))");
  ASSERT_EQ(n.kind, Expr::Kind::kNot);
  EXPECT_EQ(n.children[0].kind, Expr::Kind::kOr);
  EXPECT_EQ(ToString(n), R"(not (state = "retired" or online = false))");
}

TEST(FilterParserTest, CanonicalTextReparsesToEqualTree) {
  const char* inputs[] = {
      R"(manufacturer = "Acme" and firmware_version < "2.1" and labels.region in ("eu", "us"))",
      R"(not (state = "retired") and (name ~ "sensor-*" or battery_level <= 20))",
      R"(labels.site exists and last_seen < "2026-11-01T00:00:00Z")",
      R"(name = "a" and (model = "b" and serial = "c"))",
      R"(name = "a" or (model = "b" or serial = "c"))",
      R"(not not not online = true)",
      R"(((name = "x")))",
      R"(last_seen > -62167219200001 and created_at < 253402300800000)",
  };
  for (const char* input : inputs) {
    auto e = Parse(input);
    ASSERT_TRUE(e.has_value()) << input << ": " << e.error().message;
    const std::string text = ToString(*e);
    auto again = Parse(text);
    ASSERT_TRUE(again.has_value()) << text << ": " << again.error().message;
    EXPECT_TRUE(SameExpr(*e, *again)) << input << " -> " << text;
    EXPECT_EQ(ToString(*again), text);
  }
}

struct ErrorCase {
  const char* input;
  std::size_t position;
  const char* message;  // a substring of the error message
};

TEST(FilterParserTest, ErrorsCarryPositionAndMessage) {
  const ErrorCase cases[] = {
      {R"(colour = "red")", 0, "unknown field 'colour'"},
      {R"(name = "a" and (model = "b")", 27, "expected ')'"},
      {R"(name = "abc)", 7, "unterminated string"},
      {"name ~ 5", 7, "'~' needs a string"},
      {"firmware_version < 2", 19, "version field compared with a number"},
      {"battery_level < ", 16, "expected a value after '<'"},
      {"", 0, "expected a field name"},
      {R"(name = "a" and)", 14, "expected a field name"},
      {R"(name "a")", 5, "expected an operator after 'name'"},
      {"name = active", 7, "strings need double quotes"},
      {R"(battery_level = "20")", 16, "integer field compared with a string"},
      {R"(online = "yes")", 9, "boolean field compared with a string"},
      {R"(state = "sleeping")", 8, "unknown state 'sleeping'"},
      {R"(state < "active")", 6, "'<' does not apply to state field"},
      {"online >= true", 7, "'>=' does not apply to boolean field"},
      {"name exists", 5, "'exists' applies only to labels"},
      {R"(battery_level ~ "1*")", 14, "'~' applies only to text fields"},
      {R"(last_seen < "yesterday")", 12, "invalid time 'yesterday'"},
      {R"(last_seen < "2026-02-30T00:00:00Z")", 12, "invalid time"},
      {R"(name = "a\n")", 9, "invalid escape"},
      {R"(name = "a" # comment)", 11, "unexpected character '#'"},
      {R"(name ! "a")", 5, "unexpected character '!'"},
      {"firmware_version = 2.1", 19, "invalid number '2.1'"},
      {"id = 99999999999999999999", 5, "out of range"},
      {R"(name = "a"))", 10, "unmatched ')'"},
      {R"(name = "a" "b")", 11, "expected 'and', 'or' or the end"},
      {R"(labels. = "x")", 7, "expected a label key"},
      {R"(name in "a")", 8, "expected '(' after 'in'"},
      {R"(name in ("a" "b"))", 13, "expected ',' or ')'"},
      {R"(name not = "a")", 9, "expected 'in' after 'not'"},
      {R"(name in ())", 9, "expected a value after '('"},
      {R"(labels.floor = 3)", 15, "string field compared with a number"},
  };
  for (const auto& c : cases) {
    auto e = Parse(c.input);
    ASSERT_FALSE(e.has_value()) << c.input;
    EXPECT_EQ(e.error().code, ErrorCode::kInvalidArgument) << c.input;
    ASSERT_TRUE(e.error().position.has_value()) << c.input;
    EXPECT_EQ(*e.error().position, c.position) << c.input << ": " << e.error().message;
    EXPECT_NE(e.error().message.find(c.message), std::string::npos)
        << c.input << ": got \"" << e.error().message << "\", want \"" << c.message << "\"";
  }
}

TEST(FilterParserTest, TextOverLimitIsRejected) {
  std::string text = R"(name = ")" + std::string(64 * 1024, 'a') + "\"";
  auto e = Parse(text);
  ASSERT_FALSE(e.has_value());
  EXPECT_NE(e.error().message.find("longer than 65536 bytes"), std::string::npos);
  EXPECT_EQ(e.error().position, 65536u);
}

TEST(FilterParserTest, DepthLimitIs64) {
  auto nested = [](int depth) {
    return std::string(depth, '(') + R"(name = "a")" + std::string(depth, ')');
  };
  EXPECT_TRUE(Parse(nested(64)).has_value());
  auto too_deep = Parse(nested(65));
  ASSERT_FALSE(too_deep.has_value());
  EXPECT_EQ(too_deep.error().position, 64u);
  EXPECT_NE(too_deep.error().message.find("deeper than 64"), std::string::npos);

  std::string nots;
  for (int i = 0; i < 65; ++i) nots += "not ";
  auto too_many_nots = Parse(nots + "online = true");
  ASSERT_FALSE(too_many_nots.has_value());
  EXPECT_EQ(too_many_nots.error().position, 64u * 4);
}

TEST(FilterParserTest, InTakesAtMost1000Values) {
  auto list = [](int n) {
    std::string text = "id in (";
    for (int i = 0; i < n; ++i) text += (i ? ", " : "") + std::to_string(i);
    return text + ")";
  };
  auto ok = Parse(list(1000));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->comparison.values.size(), 1000u);
  auto too_many = Parse(list(1001));
  ASSERT_FALSE(too_many.has_value());
  EXPECT_NE(too_many.error().message.find("more than 1000 values"), std::string::npos);
}

TEST(FilterParserTest, TimeLiteralsBecomeEpochMilliseconds) {
  struct Case {
    const char* literal;
    std::int64_t ms;
  };
  const Case cases[] = {
      {R"("1970-01-01T00:00:00Z")", 0},
      {R"("2026-11-01T00:00:00Z")", 1793491200000},
      {R"("2026-11-01t00:00:00.123456z")", 1793491200123},
      {R"("2026-11-01T01:30:00+01:30")", 1793491200000},
      {R"("2026-10-31T22:00:00.9-02:00")", 1793491200900},
      {R"("2024-02-29T12:00:00Z")", 1709208000000},
      {R"("1969-12-31T23:59:59.999Z")", -1},
      {"1793491200000", 1793491200000},
  };
  for (const auto& c : cases) {
    auto e = Parse(std::string("created_at = ") + c.literal);
    ASSERT_TRUE(e.has_value()) << c.literal << ": " << e.error().message;
    EXPECT_EQ(e->comparison.values.front(), Value{c.ms}) << c.literal;
  }
  for (const char* bad :
       {R"("2026-11-01")", R"("2026-11-01T00:00:00")", R"("2023-02-29T00:00:00Z")",
        R"("2026-13-01T00:00:00Z")", R"("2026-11-01T24:00:00Z")", R"("2026-11-01T00:00:00.Z")",
        R"("2026-11-01T00:00:00Z ")"}) {
    EXPECT_FALSE(Parse(std::string("created_at = ") + bad).has_value()) << bad;
  }
}

TEST(FilterParserTest, KnownFieldsHaveDocumentedTypes) {
  auto type_of = [](std::string_view name) {
    for (const Field& f : KnownFields()) {
      if (f.name == name) return f.type;
    }
    ADD_FAILURE() << name;
    return FieldType::kString;
  };
  EXPECT_EQ(KnownFields().size(), 22u);
  EXPECT_EQ(type_of("id"), FieldType::kInteger);
  EXPECT_EQ(type_of("power_source"), FieldType::kString);
  EXPECT_EQ(type_of("software_version"), FieldType::kVersion);
  EXPECT_EQ(type_of("state"), FieldType::kState);
  EXPECT_EQ(type_of("queue_mode"), FieldType::kBoolean);
  EXPECT_EQ(type_of("lifetime"), FieldType::kInteger);
  EXPECT_EQ(type_of("updated_at"), FieldType::kTime);
}

}  // namespace
}  // namespace custos::core::filter
