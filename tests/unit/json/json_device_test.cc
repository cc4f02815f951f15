#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "json/json.h"

namespace custos::json {
namespace {

namespace bj = boost::json;

core::Device SampleDevice() {
  core::Device d;
  d.id = 42;
  d.name = "sensor-0042";
  d.protocol = "lwm2m";
  d.state = core::LifecycleState::kActive;
  d.identity = {"Acme", "TH-1", "A1-0042", "1.0", "2.0.3", ""};
  d.labels = {{"region", "eu"}, {"site", "berlin-3"}};
  d.metadata_json = R"({"installer":"kim"})";
  d.created_at = 1795797271000;  // 2026-11-27T16:34:31.000Z
  d.updated_at = 1795797271000;
  d.version = 1;
  return d;
}

TEST(JsonDeviceTest, DeviceMatchesTheDocumentedShape) {
  const bj::value expected = bj::parse(R"({
    "id": 42, "name": "sensor-0042", "protocol": "lwm2m", "state": "active",
    "manufacturer": "Acme", "model": "TH-1", "serial": "A1-0042",
    "hardware_version": "1.0", "firmware_version": "2.0.3", "software_version": "",
    "labels": {"region": "eu", "site": "berlin-3"},
    "metadata": {"installer": "kim"},
    "connectivity": {"online": false, "last_seen": null, "address": "", "transport": "",
                     "lifetime": 0, "queue_mode": false},
    "health": {"battery_level": null, "power_source": "", "signal_strength": null,
               "free_memory": null, "error_codes": []},
    "created_at": "2026-11-27T16:34:31.000Z",
    "updated_at": "2026-11-27T16:34:31.000Z",
    "version": 1})");
  EXPECT_EQ(bj::value(ToJson(SampleDevice())), expected);
}

TEST(JsonDeviceTest, SetOptionalsAndLastSeenAreValues) {
  core::Device d = SampleDevice();
  d.connectivity.online = true;
  d.connectivity.last_seen = 1795797272500;
  d.health.battery_level = 80;
  d.health.signal_strength = -71;
  d.health.free_memory = 2048;
  d.health.error_codes = {3, 7};
  const bj::object o = ToJson(d);
  EXPECT_EQ(o.at("connectivity").at("last_seen"), bj::value("2026-11-27T16:34:32.500Z"));
  EXPECT_EQ(o.at("health").at("battery_level"), bj::value(80));
  EXPECT_EQ(o.at("health").at("signal_strength"), bj::value(-71));
  EXPECT_EQ(o.at("health").at("free_memory"), bj::value(2048));
  EXPECT_EQ(o.at("health").at("error_codes"), bj::parse("[3, 7]"));
}

TEST(JsonDeviceTest, OtherModelObjects) {
  core::Group g;
  g.id = 3;
  g.name = "eu-gateways";
  g.kind = core::GroupKind::kDynamic;
  g.filter = R"(labels.region = "eu")";
  g.created_at = g.updated_at = 0;
  g.version = 1;
  EXPECT_EQ(bj::value(ToJson(g)), bj::parse(R"({"id": 3, "name": "eu-gateways",
      "description": "", "kind": "dynamic", "filter": "labels.region = \"eu\"", "labels": {},
      "created_at": "1970-01-01T00:00:00.000Z", "updated_at": "1970-01-01T00:00:00.000Z",
      "version": 1})"));

  core::OperatorToken t;
  t.id = 5;
  t.name = "ci";
  t.role = core::Role::kOperator;
  t.secret_hash = "deadbeef";
  t.prefix = "cst_abcdefgh";
  t.created_at = 1000;
  t.expires_at = 2000;
  t.created_by = "admin";
  const bj::object token = ToJson(t);
  EXPECT_EQ(bj::value(token), bj::parse(R"({"id": 5, "name": "ci", "role": "operator",
      "prefix": "cst_abcdefgh", "created_at": "1970-01-01T00:00:01.000Z",
      "expires_at": "1970-01-01T00:00:02.000Z", "revoked_at": null, "last_used_at": null,
      "created_by": "admin"})"));
  EXPECT_EQ(bj::serialize(token).find("deadbeef"), std::string::npos);

  core::Credential c;
  c.id = 9;
  c.device_id = 42;
  c.kind = "psk";
  c.identity = "sensor-0042";
  c.secret = "00112233";
  c.revoked_at = 3000;
  const bj::object credential = ToJson(c);
  EXPECT_EQ(bj::value(credential), bj::parse(R"({"id": 9, "kind": "psk",
      "identity": "sensor-0042", "created_at": "1970-01-01T00:00:00.000Z",
      "revoked_at": "1970-01-01T00:00:03.000Z"})"));
  EXPECT_EQ(bj::serialize(credential).find("00112233"), std::string::npos);

  core::AuditEntry a;
  a.id = 7;
  a.at = 0;
  a.actor = "admin";
  a.action = "device.create";
  a.target_type = "device";
  a.target_id = "42";
  a.details_json = R"({"name":"sensor-0042"})";
  EXPECT_EQ(bj::value(ToJson(a)), bj::parse(R"({"id": 7, "at": "1970-01-01T00:00:00.000Z",
      "actor": "admin", "action": "device.create", "target_type": "device", "target_id": "42",
      "details": {"name": "sensor-0042"}})"));

  core::Event e;
  e.seq = 1042;
  e.at = 0;
  e.type = "device.retired";
  e.device_id = 42;
  e.data_json = R"({"reason":"broken"})";
  EXPECT_EQ(bj::value(ToJson(e)), bj::parse(R"({"seq": 1042, "at": "1970-01-01T00:00:00.000Z",
      "type": "device.retired", "device_id": 42, "data": {"reason": "broken"}})"));
  e.device_id = 0;
  EXPECT_TRUE(ToJson(e).at("device_id").is_null());
}

TEST(JsonDeviceTest, ErrorObjectHasPositionOnlyWhenKnown) {
  core::Error with{core::ErrorCode::kInvalidArgument, "filter: unknown field 'colour'", 0};
  EXPECT_EQ(bj::value(ToJson(with)), bj::parse(R"({"error": {"code": "invalid_argument",
      "message": "filter: unknown field 'colour'", "position": 0}})"));
  core::Error without{core::ErrorCode::kNotFound, "no such device", std::nullopt};
  EXPECT_EQ(bj::value(ToJson(without)),
            bj::parse(R"({"error": {"code": "not_found", "message": "no such device"}})"));
}

TEST(JsonDeviceTest, DeviceFromJsonReadsEveryCreateMember) {
  auto d = DeviceFromJson(bj::parse(R"({"name": "gw-1", "protocol": "mqtt",
      "manufacturer": "Acme", "model": "GW-2", "serial": "S1", "hardware_version": "1",
      "firmware_version": "2.1", "software_version": "3", "labels": {"region": "eu"},
      "metadata": {"rack": 4, "tags": ["a"]}})"));
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->name, "gw-1");
  EXPECT_EQ(d->protocol, "mqtt");
  EXPECT_EQ(d->identity.manufacturer, "Acme");
  EXPECT_EQ(d->identity.model, "GW-2");
  EXPECT_EQ(d->identity.serial, "S1");
  EXPECT_EQ(d->identity.hardware_version, "1");
  EXPECT_EQ(d->identity.firmware_version, "2.1");
  EXPECT_EQ(d->identity.software_version, "3");
  EXPECT_EQ(d->labels, (core::Labels{{"region", "eu"}}));
  EXPECT_EQ(bj::parse(d->metadata_json), bj::parse(R"({"rack": 4, "tags": ["a"]})"));

  auto minimal = DeviceFromJson(bj::parse(R"({"name": "x", "manufacturer": null})"));
  ASSERT_TRUE(minimal.has_value());
  EXPECT_EQ(minimal->metadata_json, "{}");
  EXPECT_TRUE(minimal->labels.empty());
}

struct BadInput {
  const char* json;
  const char* message;  // substring
};

TEST(JsonDeviceTest, DeviceFromJsonNamesWhatIsWrong) {
  const BadInput cases[] = {
      {R"([1])", "expected an object, found an array"},
      {R"({})", "name: required"},
      {R"({"name": 5})", "name: expected a string, found a number"},
      {R"({"name": "a", "colour": "red"})", "unknown member 'colour'"},
      {R"({"name": "a", "labels": {"region": 1}})", "labels.region: expected a string"},
      {R"({"name": "a", "labels": []})", "labels: expected an object, found an array"},
      {R"({"name": "a", "metadata": "x"})", "metadata: expected an object, found a string"},
      {R"({"name": "a", "model": true})", "model: expected a string, found a boolean"},
      {R"({"name": "bad name!"})", "name: character"},
      {R"({"name": "a", "protocol": "zigbee"})", "protocol"},
  };
  for (const auto& c : cases) {
    auto d = DeviceFromJson(bj::parse(c.json));
    ASSERT_FALSE(d.has_value()) << c.json;
    EXPECT_EQ(d.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(d.error().message.find(c.message), std::string::npos)
        << c.json << ": got \"" << d.error().message << "\"";
  }
}

TEST(JsonDeviceTest, PatchMergesLabelsAndTakesVersion) {
  auto p = DevicePatchFromJson(bj::parse(R"({"model": "TH-2", "serial": null,
      "labels": {"site": "paris-1", "gone": null}, "metadata": {"a": 1}, "version": 4})"));
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->model, "TH-2");
  EXPECT_EQ(p->serial, "");
  EXPECT_FALSE(p->manufacturer.has_value());
  EXPECT_FALSE(p->labels.has_value());
  EXPECT_EQ(p->labels_set, (core::Labels{{"site", "paris-1"}}));
  EXPECT_EQ(p->labels_remove, std::vector<std::string>{"gone"});
  EXPECT_EQ(p->metadata_json, R"({"a":1})");
  EXPECT_EQ(p->expected_version, 4);

  auto cleared = DevicePatchFromJson(bj::parse(R"({"labels": null, "metadata": null})"));
  ASSERT_TRUE(cleared.has_value());
  EXPECT_EQ(cleared->labels, core::Labels{});
  EXPECT_EQ(cleared->metadata_json, "{}");
}

TEST(JsonDeviceTest, PatchRefusesNameUnknownMembersAndBadTypes) {
  const BadInput cases[] = {
      {R"({"name": "b"})", "name: cannot be changed"},
      {R"({"colour": "red"})", "unknown member 'colour'"},
      {R"({"version": "3"})", "version: expected an integer, found a string"},
      {R"({"version": 1.5})", "version: expected an integer"},
      {R"({"version": 18446744073709551615})", "version: out of range"},
      {R"({"labels": {"a": 1}})", "labels.a: expected a string or null"},
      {R"({"metadata": [1]})", "metadata: expected an object"},
      {R"("x")", "expected an object, found a string"},
  };
  for (const auto& c : cases) {
    auto p = DevicePatchFromJson(bj::parse(c.json));
    ASSERT_FALSE(p.has_value()) << c.json;
    EXPECT_NE(p.error().message.find(c.message), std::string::npos)
        << c.json << ": got \"" << p.error().message << "\"";
  }
}

TEST(JsonDeviceTest, ParseReportsByteOffsetOfSyntaxErrors) {
  struct Case {
    const char* text;
    std::size_t position;
  };
  const Case cases[] = {
      {R"({"a": tru})", 6}, {"[1,2,", 5}, {"{} x", 3},
      {R"(  {"a":1,})", 9}, {"", 0},      {"\"ab\xff\"", 3},
  };
  for (const auto& c : cases) {
    auto v = Parse(c.text);
    ASSERT_FALSE(v.has_value()) << c.text;
    EXPECT_EQ(v.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_EQ(v.error().position, c.position) << c.text << ": " << v.error().message;
    EXPECT_NE(v.error().message.find("at byte " + std::to_string(c.position)), std::string::npos);
  }
  auto ok = Parse(R"( {"a": [1, 2.5, "x", null]} )");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, bj::parse(R"({"a": [1, 2.5, "x", null]})"));
}

TEST(JsonDeviceTest, ImportFormatFromContentType) {
  EXPECT_EQ(ImportFormatFromContentType("application/json"), ImportFormat::kJsonArray);
  EXPECT_EQ(ImportFormatFromContentType("Application/JSON; charset=utf-8"),
            ImportFormat::kJsonArray);
  EXPECT_EQ(ImportFormatFromContentType("application/x-ndjson"), ImportFormat::kNdjson);
  EXPECT_EQ(ImportFormatFromContentType(" text/csv ;header=present"), ImportFormat::kCsv);
  EXPECT_EQ(ImportFormatFromContentType("text/plain"), std::nullopt);
  EXPECT_EQ(ImportFormatFromContentType(""), std::nullopt);
}

}  // namespace
}  // namespace custos::json
