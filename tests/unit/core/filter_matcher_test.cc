#include <gtest/gtest.h>

#include <string>

#include "core/core.h"

namespace custos::core::filter {
namespace {

Device SampleDevice() {
  Device d;
  d.id = 42;
  d.name = "sensor-0042";
  d.protocol = "lwm2m";
  d.state = LifecycleState::kActive;
  d.identity.manufacturer = "Acme";
  d.identity.model = "TH-1";
  d.identity.serial = "A1-0042";
  d.identity.hardware_version = "1.0";
  d.identity.firmware_version = "2.0.3";
  d.identity.software_version = "1.0-rc1";
  d.labels = {{"region", "eu"}, {"site", "berlin-3"}, {"zone", "Zürich"}};
  d.connectivity.online = true;
  d.connectivity.last_seen = 1793491200000;  // 2026-11-01T00:00:00Z
  d.connectivity.address = "10.0.0.7:5683";
  d.connectivity.transport = "udp";
  d.connectivity.lifetime_s = 300;
  d.connectivity.queue_mode = false;
  d.health.battery_level = 15;
  d.health.power_source = "battery";
  d.health.signal_strength = -71;
  // free_memory unset
  d.created_at = 1790000000000;
  d.updated_at = 1793000000000;
  return d;
}

struct Case {
  const char* filter;
  bool matches;
};

TEST(FilterMatcherTest, EveryOperatorOnEveryFieldType) {
  const Device d = SampleDevice();
  const Case cases[] = {
      // The example from the documentation.
      {R"(manufacturer = "Acme" and firmware_version < "2.1" and labels.region in ("eu", "us"))",
       true},
      {R"(not (state = "retired") and (name ~ "sensor-*" or battery_level <= 20))", true},
      {R"(labels.site exists and last_seen < "2026-11-01T00:00:00Z")", false},
      {R"(labels.site exists and last_seen <= "2026-11-01T00:00:00Z")", true},
      // Strings: bytewise order.
      {R"(name = "sensor-0042")", true},
      {R"(name != "sensor-0042")", false},
      {R"(model < "TH-2")", true},
      {R"(model <= "TH-1")", true},
      {R"(model > "TH-1")", false},
      {R"(model >= "TH")", true},
      {R"(protocol in ("mqtt", "lwm2m"))", true},
      {R"(protocol not in ("mqtt", "lwm2m"))", false},
      {R"(transport = "udp")", true},
      {R"(address ~ "10.0.0.*:5683")", true},
      {R"(power_source = "battery")", true},
      {R"(serial ~ "A?-00*")", true},
      {R"(serial ~ "A1")", false},
      // Versions: version order, also for equality.
      {R"(firmware_version > "2.0")", true},
      {R"(firmware_version >= "2.0.3.0")", true},
      {R"(firmware_version = "2.0.3.0")", true},
      {R"(firmware_version != "2.0.3")", false},
      {R"(firmware_version < "2.0.10")", true},
      {R"(firmware_version in ("1.9", "2.00.3"))", true},
      {R"(software_version < "1.0")", true},
      {R"(software_version > "1.0-beta")", true},
      {R"(hardware_version ~ "1.*")", true},
      // State.
      {R"(state = "active")", true},
      {R"(state != "active")", false},
      {R"(state in ("disabled", "retired"))", false},
      {R"(state not in ("disabled", "retired"))", true},
      // Booleans.
      {"online = true", true},
      {"online != true", false},
      {"queue_mode = false", true},
      {"queue_mode in (true)", false},
      // Integers, including a negative one.
      {"id = 42", true},
      {"id in (1, 42)", true},
      {"battery_level < 20", true},
      {"battery_level >= 16", false},
      {"signal_strength > -80", true},
      {"signal_strength <= -72", false},
      {"lifetime = 300", true},
      // Times: RFC 3339 or epoch milliseconds.
      {"last_seen = 1793491200000", true},
      {R"(last_seen > "2026-10-31T23:59:59.999Z")", true},
      {R"(last_seen = "2026-11-01T01:00:00+01:00")", true},
      {"created_at < 1790000000001", true},
      {"updated_at != 1793000000000", false},
      // Labels.
      {R"(labels.region = "eu")", true},
      {R"(labels.region ~ "e?")", true},
      {R"(labels.zone ~ "Z?rich")", true},
      {R"(labels.zone > "Z")", true},
      {"labels.region exists", true},
      {"labels.floor exists", false},
      {"not labels.floor exists", true},
      // Boolean structure.
      {R"(name = "x" or name = "sensor-0042")", true},
      {R"(name = "x" or name = "y")", false},
      {R"(name = "sensor-0042" and online = false)", false},
      {"not online = true", false},
      {"not not online = true", true},
      {"NOT (online = false OR id = 1) AND id = 42", true},
  };
  for (const auto& c : cases) {
    auto e = Parse(c.filter);
    ASSERT_TRUE(e.has_value()) << c.filter << ": " << e.error().message;
    EXPECT_EQ(Matches(*e, d), c.matches) << c.filter;
  }
}

// An absent label or unset optional field has no value: only != and not in hold.
TEST(FilterMatcherTest, AbsentValuesMatchOnlyNotEqualAndNotIn) {
  Device d = SampleDevice();
  d.connectivity.last_seen = 0;  // never seen
  const Case cases[] = {
      {R"(labels.floor = "3")", false},
      {R"(labels.floor != "3")", true},
      {R"(labels.floor < "3")", false},
      {R"(labels.floor >= "3")", false},
      {R"(labels.floor in ("3"))", false},
      {R"(labels.floor not in ("3"))", true},
      {R"(labels.floor ~ "*")", false},
      {"free_memory = 0", false},
      {"free_memory != 0", true},
      {"free_memory > -1", false},
      {"free_memory not in (1, 2)", true},
      {R"(last_seen < "2030-01-01T00:00:00Z")", false},
      {"last_seen != 0", true},
      {"last_seen = 0", false},
      {"not last_seen < 1", true},
  };
  for (const auto& c : cases) {
    auto e = Parse(c.filter);
    ASSERT_TRUE(e.has_value()) << c.filter << ": " << e.error().message;
    EXPECT_EQ(Matches(*e, d), c.matches) << c.filter;
  }
}

struct GlobCase {
  const char* glob;
  const char* text;
  bool matches;
};

TEST(GlobMatchTest, StarQuestionMarkAndLiterals) {
  const GlobCase cases[] = {
      {"", "", true},
      {"", "a", false},
      {"*", "", true},
      {"*", "anything", true},
      {"abc*", "abcdef", true},
      {"abc*", "abd", false},
      {"*def", "abcdef", true},
      {"*def", "abcdeg", false},
      {"a*c", "abbbc", true},
      {"a*c", "abbbd", false},
      {"a?c", "abc", true},
      {"a?c", "ac", false},
      {"?", "é", true},  // one character, two bytes
      {"??", "é", false},
      {"a*b*c", "axxbyyc", true},
      {"a*b*c", "axxbyy", false},
      {"*a*a*a*", "banana", true},
      {"*a*a*a*a*", "banana", false},
      {"*an*an*", "banana", true},
      {"**", "x", true},
      {"x", "X", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(GlobMatch(c.glob, c.text), c.matches) << c.glob << " vs " << c.text;
  }
}

// A pattern that takes exponential time with naive backtracking finishes here in
// |glob| * |text| steps; the test asserts the answer, the CI time limit guards the rest.
TEST(GlobMatchTest, PathologicalPatternHasAnAnswer) {
  const std::string text(20000, 'a');
  std::string glob;
  for (int i = 0; i < 30; ++i) glob += "a*";
  EXPECT_FALSE(GlobMatch(glob + "b", text));
  EXPECT_TRUE(GlobMatch(glob + "a", text));
}

}  // namespace
}  // namespace custos::core::filter
