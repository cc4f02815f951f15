// What devices report, through the handlers: desired and reported state, telemetry, logs.
#include "api_fixture.h"
#include "twin/twin.h"

namespace custos::api {
namespace {

namespace json = boost::json;

class StateHandlersTest : public ApiFixture {
 protected:
  std::string StatePath(std::int64_t id) {
    return "/api/v1/devices/" + std::to_string(id) + "/state";
  }
  Response Desire(std::int64_t id, std::string body, const std::string& secret,
                  std::string if_match = "") {
    std::map<std::string, std::string, std::less<>> headers;
    if (!if_match.empty()) headers["if-match"] = if_match;
    return Call("PATCH", StatePath(id) + "/desired", std::move(body), secret, std::move(headers));
  }
  static std::string HeaderOf(const Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }
  twin::DeviceStates States() { return twin::DeviceStates(*store_, *registry_, *events_); }
};

TEST_F(StateHandlersTest, ANewDeviceHasEmptyStateAtVersionZero) {
  const auto id = CreateDevice("meter-1");
  Response r = Call("GET", StatePath(id), "", viewer_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r), json::parse(R"({"delta":{},"desired":{},"desired_version":0,
      "desired_updated_at":null,"desired_acknowledged":0,"reported":{},"reported_version":0,
      "reported_updated_at":null})"));
  EXPECT_EQ(HeaderOf(r, "ETag"), "\"0\"");
  EXPECT_EQ(Call("GET", StatePath(id + 1), "", viewer_).status, 404);
}

TEST_F(StateHandlersTest, MergePatchChangesDesiredAndTheDeltaFollowsReported) {
  const auto id = CreateDevice("meter-1");
  Response first = Desire(id, R"({"interval":30,"net":{"apn":"iot"}})", operator_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Json(first).at("desired_version").as_int64(), 1);
  EXPECT_EQ(HeaderOf(first, "ETag"), "\"1\"");

  twin::ReportedUpdate reported;
  reported.patch = json::parse(R"({"interval":60,"net":{"apn":"iot"}})").as_object();
  ASSERT_TRUE(States().ApplyReported(id, "meter-1", reported));

  Response second = Desire(id, R"({"net":null,"mode":"eco"})", operator_, "\"1\"");
  ASSERT_EQ(second.status, 200) << second.body;
  auto state = Json(second);
  EXPECT_EQ(state.at("desired"), json::parse(R"({"interval":30,"mode":"eco"})"));
  EXPECT_EQ(state.at("reported"), json::parse(R"({"interval":60,"net":{"apn":"iot"}})"));
  EXPECT_EQ(state.at("delta"), json::parse(R"({"interval":30,"mode":"eco"})"));
  EXPECT_EQ(state.at("desired_version").as_int64(), 2);
  EXPECT_EQ(state.at("reported_version").as_int64(), 1);

  Response audit = Admin("GET", "/api/v1/audit?action=device.state.desire");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("device.state.desire"), std::string::npos);
}

TEST_F(StateHandlersTest, IfMatchOnAnOldVersionIs412) {
  const auto id = CreateDevice("meter-1");
  ASSERT_EQ(Desire(id, R"({"a":1})", operator_).status, 200);
  Response stale = Desire(id, R"({"a":2})", operator_, "\"0\"");
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(ErrorCode(stale), "precondition_failed");
  EXPECT_EQ(Json(Call("GET", StatePath(id), "", viewer_)).at("desired"), json::parse(R"({"a":1})"));
}

TEST_F(StateHandlersTest, OnlyOperatorsChangeDesiredStateAndBodiesAreChecked) {
  const auto id = CreateDevice("meter-1");
  EXPECT_EQ(Desire(id, R"({"a":1})", viewer_).status, 403);
  EXPECT_EQ(Desire(id, R"([1])", operator_).status, 400);
  EXPECT_EQ(Desire(id, R"({"a":)", operator_).status, 400);
  EXPECT_EQ(Desire(id + 1, R"({"a":1})", operator_).status, 404);
  std::string big = R"({"blob":")" + std::string(twin::kMaxDocumentBytes, 'x') + "\"}";
  EXPECT_EQ(Desire(id, big, operator_).status, 413);
  ASSERT_EQ(Admin("POST", "/api/v1/devices/" + std::to_string(id) + "/retire", "{}").status, 200);
  EXPECT_EQ(Desire(id, R"({"a":1})", operator_).status, 422);
}

TEST_F(StateHandlersTest, TelemetryShowsTheLatestValueOfEachMeasurement) {
  const auto id = CreateDevice("meter-1");
  const std::string path = "/api/v1/devices/" + std::to_string(id) + "/telemetry";
  Response none = Call("GET", path, "", viewer_);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(Json(none), json::parse(R"({"measurements":{},"updated_at":null})"));
  ASSERT_TRUE(
      States().RecordTelemetry(id, "meter-1", json::parse(R"({"t":21.5,"h":40})").as_object()));
  ASSERT_TRUE(States().RecordTelemetry(id, "meter-1", json::parse(R"({"t":22})").as_object()));
  Response r = Call("GET", path, "", viewer_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json(r).at("measurements"), json::parse(R"({"t":22,"h":40})"));
  EXPECT_TRUE(Json(r).at("updated_at").is_string());
}

TEST_F(StateHandlersTest, LogsShowTheNewestLinesOldestFirst) {
  const auto id = CreateDevice("meter-1");
  const std::string path = "/api/v1/devices/" + std::to_string(id) + "/logs";
  std::vector<core::DeviceLogLine> lines;
  for (int i = 0; i < 3; ++i) lines.push_back({0, "info", "boot " + std::to_string(i)});
  lines.push_back({0, "error", "sensor fault"});
  ASSERT_TRUE(States().AppendLogs(id, "meter-1", lines));
  Response r = Call("GET", path + "?limit=2", "", viewer_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto logs = Json(r).at("logs").as_array();
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0].at("message").as_string(), "boot 2");
  EXPECT_EQ(logs[1].at("level").as_string(), "error");
  EXPECT_TRUE(logs[1].at("at").is_string());
  EXPECT_EQ(Json(Call("GET", path, "", viewer_)).at("logs").as_array().size(), 4u);
  EXPECT_EQ(Call("GET", path + "?limit=0", "", viewer_).status, 400);
  EXPECT_FALSE(States().AppendLogs(id, "meter-1", {{0, "loud", "x"}}));
}

}  // namespace
}  // namespace custos::api
