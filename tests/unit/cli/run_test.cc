// Whole command lines against a fake server: parsing, the requests they make, what they print
// and their exit codes.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "fake_transport.h"

namespace custos::cli {
namespace {

namespace json = boost::json;
using testing::FakeTransport;
using testing::Json;
using testing::RunCli;
using testing::RunOptions;

constexpr const char* kDevice = R"({"id": 42, "name": "sensor-0042", "protocol": "lwm2m",
  "state": "active", "manufacturer": "Acme", "model": "TH-1", "serial": "A1",
  "hardware_version": "", "firmware_version": "2.0.3", "software_version": "",
  "labels": {"region": "eu"}, "metadata": {},
  "connectivity": {"online": true, "last_seen": "2026-11-27T16:34:31.000Z", "address": "",
                   "transport": "", "lifetime": 0, "queue_mode": false},
  "health": {"battery_level": null, "power_source": "", "signal_strength": null,
             "free_memory": null, "error_codes": []},
  "created_at": "2026-11-27T16:34:31.000Z", "updated_at": "2026-11-27T16:34:31.000Z",
  "version": 1})";

std::string Page(const std::string& devices, const std::string& next) {
  return R"({"devices": [)" + devices + R"(], "next_cursor": )" + next + "}";
}

FakeTransport Always(int status, std::string body) {
  return FakeTransport([status, body](const HttpRequest&) { return Json(status, body); });
}

TEST(RunTest, HelpIsNotAnError) {
  auto t = Always(200, "{}");
  auto r = RunCli({"--help"}, t);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("devices"), std::string::npos) << r.out;
  EXPECT_TRUE(t.requests.empty());
}

TEST(RunTest, UsageErrorsExitTwoWithoutARequest) {
  auto t = Always(200, "{}");
  const std::vector<std::vector<std::string>> lines = {
      {},
      {"devices"},
      {"devices", "frobnicate"},
      {"devices", "get"},
      {"devices", "list", "--limit", "0"},
      {"devices", "list", "-o", "yaml"},
      {"devices", "create", "a", "--metadata", "[1]"},
      {"devices", "create", "a", "--label", "novalue"},
      {"devices", "update", "42"},
      {"devices", "import", "fleet.txt"},
      {"groups", "create", "g"},
      {"groups", "create", "g", "--static", "--filter", "x = 1"},
      {"tokens", "create", "t", "--role", "root"},
      {"devices", "list", "--server", "https://secure.example"},
      {"devices", "list", "--config", "/nonexistent/cli.toml"},
  };
  for (const auto& line : lines) {
    auto r = RunCli(line, t);
    std::string joined;
    for (const auto& arg : line) joined += arg + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
    EXPECT_FALSE(r.err.empty()) << joined;
  }
  EXPECT_TRUE(t.requests.empty());
}

TEST(RunTest, ServerErrorsExitOneWithCodeAndMessage) {
  auto t = Always(404, R"({"error": {"code": "not_found", "message": "no device 9"}})");
  auto r = RunCli({"devices", "get", "9"}, t);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: not_found: no device 9\n");
  EXPECT_EQ(r.out, "");
}

TEST(RunTest, UnreachableServerExitsThree) {
  FakeTransport t([](const HttpRequest&) -> Outcome<HttpResponse> {
    return Unreachable("cannot reach http://127.0.0.1:1: connect: Connection refused");
  });
  auto r = RunCli({"devices", "list"}, t);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, "error: cannot reach http://127.0.0.1:1: connect: Connection refused\n");
}

TEST(RunTest, GlobalOptionsWorkAfterTheVerb) {
  auto t = Always(200, kDevice);
  auto r = RunCli({"devices", "get", "42", "-o", "json", "--token", "cst_x"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).at("id").as_int64(), 42);
  bool auth = false;
  for (const auto& [k, v] : t.requests.at(0).headers) auth |= v == "Bearer cst_x";
  EXPECT_TRUE(auth);
}

TEST(RunTest, ServerPrefixAndTokenComeFromTheEnvironment) {
  auto t = Always(200, Page("", "null"));
  RunOptions options;
  options.env = {{"CUSTOS_SERVER", "http://h:1/base"}, {"CUSTOS_TOKEN", "cst_env"}};
  auto r = RunCli({"devices", "list"}, t, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(t.requests.at(0).target, "/base/api/v1/devices");
  bool auth = false;
  for (const auto& [k, v] : t.requests.at(0).headers) auth |= v == "Bearer cst_env";
  EXPECT_TRUE(auth);
}

TEST(RunTest, ListPrintsADeviceTable) {
  auto t = Always(200, Page(kDevice, "null"));
  auto r = RunCli(
      {"devices", "list", "--filter", "state = \"active\"", "--sort", "-name", "--limit", "10"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "ID  NAME         STATE   PROTOCOL  MANUFACTURER  MODEL  FIRMWARE  ONLINE  LAST SEEN\n"
            "42  sensor-0042  active  lwm2m     Acme          TH-1   2.0.3     yes     "
            "2026-11-27T16:34:31.000Z\n");
  EXPECT_EQ(t.requests.at(0).target,
            "/api/v1/devices?filter=state%20%3D%20%22active%22&sort=-name&limit=10");
}

TEST(RunTest, ListWithoutAllHintsAtTheNextPage) {
  auto t = Always(200, Page(kDevice, "\"c2\""));
  auto r = RunCli({"devices", "list", "--count"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(t.requests.size(), 1u);
  EXPECT_NE(r.err.find("--cursor c2"), std::string::npos) << r.err;
  EXPECT_NE(t.requests[0].target.find("count=true"), std::string::npos);
}

TEST(RunTest, ListAllFollowsCursorsAndMergesJson) {
  FakeTransport t([](const HttpRequest& r) {
    if (r.target.find("cursor=c2") != std::string::npos) {
      return Json(200, R"({"devices": [{"id": 2}], "next_cursor": null, "total": 2})");
    }
    return Json(200, R"({"devices": [{"id": 1}], "next_cursor": "c2", "total": 2})");
  });
  auto r = RunCli({"devices", "list", "--all", "--count", "-o", "json"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(t.requests.size(), 2u);
  auto merged = json::parse(r.out);
  EXPECT_EQ(merged.at("devices").as_array().size(), 2u);
  EXPECT_EQ(merged.at("devices").at(1).at("id").as_int64(), 2);
  EXPECT_TRUE(merged.at("next_cursor").is_null());
  EXPECT_EQ(merged.at("total").as_int64(), 2);
}

TEST(RunTest, ListAllOfNothingIsValidJson) {
  auto t = Always(200, Page("", "null"));
  auto r = RunCli({"devices", "list", "--all", "-o", "json"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(json::parse(r.out).at("devices").as_array().empty()) << r.out;
}

TEST(RunTest, FilterErrorsPointAtThePosition) {
  auto t = Always(400, R"({"error": {"code": "invalid_argument",
      "message": "filter: unknown field 'colour' at position 0", "position": 0}})");
  auto r = RunCli({"devices", "list", "--filter", "colour = \"red\""}, t);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: invalid_argument: filter: unknown field 'colour' at position 0\n"
            "  colour = \"red\"\n"
            "  ^\n");
}

TEST(RunTest, GetByNameResolvesThenFetches) {
  FakeTransport t([](const HttpRequest& r) {
    if (r.target.rfind("/api/v1/devices?", 0) == 0) return Json(200, Page(kDevice, "null"));
    return Json(200, kDevice);
  });
  auto r = RunCli({"devices", "get", "sensor-0042"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(t.requests.size(), 2u);
  EXPECT_EQ(t.requests[1].target, "/api/v1/devices/42");
  EXPECT_NE(r.out.find("firmware_version:  2.0.3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("labels:            region=eu"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("online:            yes"), std::string::npos) << "flattened: " << r.out;
}

TEST(RunTest, CreateSendsOnlyTheFieldsGiven) {
  auto t = Always(201, kDevice);
  auto r = RunCli(
      {"devices", "create", "sensor-0042", "--protocol", "lwm2m", "--label", "region=eu", "--label",
       "site=b3", "--metadata", R"({"installer": "kim"})", "--firmware-version", "2.0.3"},
      t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const HttpRequest& request = t.requests.at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v1/devices");
  EXPECT_EQ(json::parse(request.body),
            json::parse(R"({"name": "sensor-0042", "protocol": "lwm2m", "firmware_version":
                "2.0.3", "labels": {"region": "eu", "site": "b3"},
                "metadata": {"installer": "kim"}})"));
  EXPECT_NE(r.out.find("sensor-0042"), std::string::npos);
}

TEST(RunTest, UpdateMergesLabelsAndRemovesWithNull) {
  auto t = Always(200, kDevice);
  auto r = RunCli(
      {"devices", "update", "42", "--label", "site=b3", "--remove-label", "old", "--version", "4"},
      t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const HttpRequest& request = t.requests.at(0);
  EXPECT_EQ(request.method, "PATCH");
  EXPECT_EQ(request.target, "/api/v1/devices/42");
  EXPECT_EQ(json::parse(request.body),
            json::parse(R"({"labels": {"site": "b3", "old": null}, "version": 4})"));
}

TEST(RunTest, LifecycleVerbsPostTheReason) {
  auto t = Always(200, kDevice);
  ASSERT_EQ(RunCli({"devices", "retire", "42", "--reason", "broken"}, t).exit_code, 0);
  ASSERT_EQ(RunCli({"devices", "enable", "42"}, t).exit_code, 0);
  EXPECT_EQ(t.requests.at(0).target, "/api/v1/devices/42/retire");
  EXPECT_EQ(json::parse(t.requests.at(0).body), json::parse(R"({"reason": "broken"})"));
  EXPECT_EQ(t.requests.at(1).target, "/api/v1/devices/42/enable");
  EXPECT_EQ(t.requests.at(1).body, "{}");
}

TEST(RunTest, DeleteWithoutATerminalNeedsYes) {
  auto t = Always(204, "");
  auto refused = RunCli({"devices", "delete", "42"}, t);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--yes"), std::string::npos);
  EXPECT_TRUE(t.requests.empty());

  auto done = RunCli({"devices", "delete", "42", "--yes"}, t);
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(done.out, "device 42 deleted\n");
  EXPECT_EQ(t.requests.at(0).method, "DELETE");
}

TEST(RunTest, DeleteOnATerminalAsks) {
  auto t = Always(204, "");
  RunOptions no;
  no.terminal = true;
  no.stdin_text = "n\n";
  auto kept = RunCli({"devices", "delete", "42"}, t, no);
  EXPECT_EQ(kept.exit_code, 0);
  EXPECT_NE(kept.err.find("Delete device 42"), std::string::npos);
  EXPECT_TRUE(t.requests.empty());

  RunOptions yes = no;
  yes.stdin_text = "y\n";
  auto deleted = RunCli({"devices", "delete", "42"}, t, yes);
  EXPECT_EQ(deleted.exit_code, 0);
  ASSERT_EQ(t.requests.size(), 1u);
  EXPECT_EQ(t.requests[0].method, "DELETE");
}

TEST(RunTest, ImportStreamsTheBodyWithItsContentTypeAndPrintsTheReport) {
  auto t = Always(200, R"({"total": 3, "accepted": 2, "created": 2, "updated": 0,
      "skipped": 0, "rejected": 1, "errors": [{"row": 2, "name": "bad name!",
      "code": "invalid_argument", "message": "name: character '!' not allowed at 3"}],
      "errors_truncated": false})");
  RunOptions options;
  options.stdin_text = "name,model\na,m\nbad name!,m\nc,m\n";
  auto r =
      RunCli({"devices", "import", "-", "--format", "csv", "--on-conflict", "skip"}, t, options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const HttpRequest& request = t.requests.at(0);
  EXPECT_EQ(request.target, "/api/v1/devices/import?on_conflict=skip");
  EXPECT_EQ(request.body, options.stdin_text);
  bool csv = false;
  for (const auto& [k, v] : request.headers) csv |= k == "Content-Type" && v == "text/csv";
  EXPECT_TRUE(csv);
  EXPECT_NE(r.out.find("rejected:  1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2    bad name!  invalid_argument  name: character '!' not allowed at 3"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.err, "") << "no progress bar without a terminal";
}

TEST(RunTest, ImportOfAMissingFileIsAUsageError) {
  auto t = Always(200, "{}");
  auto r = RunCli({"devices", "import", "/nonexistent/fleet.csv"}, t);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot open"), std::string::npos);
}

TEST(RunTest, GroupCommandsResolveNamesAndSendIds) {
  FakeTransport t([](const HttpRequest& r) {
    if (r.target == "/api/v1/groups") {
      return Json(200, R"({"groups": [{"id": 3, "name": "eu", "kind": "static"}]})");
    }
    if (r.target.rfind("/api/v1/devices?", 0) == 0) return Json(200, Page(kDevice, "null"));
    return Json(204, "");
  });
  auto r = RunCli({"groups", "add-members", "eu", "7", "sensor-0042"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "added 2 devices to group 3\n");
  EXPECT_EQ(t.requests.back().target, "/api/v1/groups/3/members");
  EXPECT_EQ(json::parse(t.requests.back().body), json::parse(R"({"devices": [7, 42]})"));

  auto removed = RunCli({"groups", "remove-members", "3", "7"}, t);
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(t.requests.back().target, "/api/v1/groups/3/members/remove");
}

TEST(RunTest, DynamicGroupCreation) {
  auto t = Always(201, R"({"id": 5, "name": "eu", "kind": "dynamic",
      "filter": "labels.region = \"eu\"", "description": ""})");
  auto r = RunCli({"groups", "create", "eu", "--filter", "labels.region = \"eu\""}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      json::parse(t.requests.at(0).body),
      json::parse(R"({"name": "eu", "kind": "dynamic", "filter": "labels.region = \"eu\""})"));
  EXPECT_EQ(r.out,
            "ID  NAME  KIND     FILTER                DESCRIPTION\n"
            "5   eu    dynamic  labels.region = \"eu\"  -\n");
}

TEST(RunTest, TokenCreationPrintsTheSecretOnce) {
  auto t = Always(201, R"({"token": {"id": 7, "name": "ci", "role": "operator",
      "prefix": "cst_abcdefgh"}, "secret": "cst_abcdefghXYZ"})");
  auto r = RunCli({"tokens", "create", "ci", "--role", "operator"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("secret:  cst_abcdefghXYZ"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("only this once"), std::string::npos);
  EXPECT_EQ(json::parse(t.requests.at(0).body),
            json::parse(R"({"name": "ci", "role": "operator"})"));
}

TEST(RunTest, AuditPassesItsFilters) {
  auto t = Always(200, R"({"entries": [{"id": 5, "at": "2026-11-27T16:40:00.000Z",
      "actor": "admin", "action": "device.retire", "target_type": "device",
      "target_id": "42", "details": {"reason": "broken"}}], "next_cursor": null})");
  auto r = RunCli({"audit", "--action", "device.", "--target-type", "device", "--limit", "5"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(t.requests.at(0).target, "/api/v1/audit?target_type=device&action=device.&limit=5");
  EXPECT_NE(r.out.find("device/42  {\"reason\":\"broken\"}"), std::string::npos) << r.out;
}

TEST(RunTest, EventsPrintsOneLinePerEvent) {
  auto t =
      Always(200,
             "id: 1\nevent: device.online\ndata: {\"seq\":1,\"at\":\"2026-11-27T16:40:00.000Z\","
             "\"type\":\"device.online\",\"device_id\":42,\"data\":{}}\n\n"
             ": keep-alive\n\n"
             "id: 2\nevent: group.created\ndata: {\"seq\":2,\"at\":\"2026-11-27T16:40:01.000Z\","
             "\"type\":\"group.created\",\"device_id\":0,\"data\":{\"id\":3}}\n\n");
  auto r = RunCli(
      {"events", "--device", "42", "--device", "43", "--type", "device.*", "--limit", "2"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(t.requests.at(0).target, "/api/v1/events?device=42%2C43&type=device.%2A");
  EXPECT_EQ(r.out,
            "TIME                      TYPE             DEVICE  DATA\n"
            "2026-11-27T16:40:00.000Z  device.online    42      {}\n"
            "2026-11-27T16:40:01.000Z  group.created    -       {\"id\":3}\n");

  auto as_json = RunCli({"events", "--limit", "1", "-o", "json"}, t);
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  EXPECT_EQ(json::parse(as_json.out).at("seq").as_int64(), 1);
}

TEST(RunTest, EventsResumeFromTheLastIdAfterTheStreamEnds) {
  int calls = 0;
  FakeTransport t([&calls](const HttpRequest&) {
    ++calls;
    return Json(200, "id: " + std::to_string(calls) + "\ndata: {\"seq\":" + std::to_string(calls) +
                         "}\n\n");
  });
  auto r = RunCli({"events", "--limit", "2", "-o", "json"}, t);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(t.requests.size(), 2u);
  bool resumed = false;
  for (const auto& [k, v] : t.requests[1].headers) resumed |= k == "Last-Event-ID" && v == "1";
  EXPECT_TRUE(resumed);
  EXPECT_EQ(t.requests[1].target, "/api/v1/events?since=1");
  bool asks_for_events = false;
  for (const auto& [k, v] : t.requests[0].headers) {
    asks_for_events |= k == "Accept" && v == "text/event-stream";
  }
  EXPECT_TRUE(asks_for_events);
}

TEST(RunTest, EventsFromAnAbsentServerFailAtOnce) {
  FakeTransport t([](const HttpRequest&) -> Outcome<HttpResponse> {
    return Unreachable("cannot reach http://x: refused");
  });
  auto r = RunCli({"events"}, t);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(t.requests.size(), 1u);
}

}  // namespace
}  // namespace custos::cli
