// The streaming import without sockets: formats, bad rows, batching, conflicts, failures.
#include "api/device_import.h"

#include "api_fixture.h"

namespace custos::api {
namespace {

class DeviceImportTest : public ApiFixture {
 protected:
  core::Actor AdminActor() { return *tokens_->Authenticate(admin_); }

  // Feeds `body` in pieces of `piece` bytes, as a slow client would send it.
  boost::json::object Import(json::ImportFormat format, const std::string& body,
                             core::ConflictPolicy policy = core::ConflictPolicy::kFail,
                             std::size_t piece = 7) {
    DeviceImport import(*registry_, AdminActor(), format, policy);
    for (std::size_t i = 0; i < body.size(); i += piece) {
      auto ok = import.Feed(std::string_view(body).substr(i, piece));
      EXPECT_TRUE(ok) << ok.error().message;
    }
    auto done = import.Finish();
    EXPECT_TRUE(done) << done.error().message;
    return import.Report();
  }

  std::int64_t DeviceCount() { return *registry_->CountDevices(""); }
};

TEST_F(DeviceImportTest, JsonArrayWithABadRow) {
  auto report = Import(json::ImportFormat::kJsonArray,
                       R"([{"name":"j-1"},{"name":"bad name!"},{"name":"j-3","model":"M"}])");
  EXPECT_EQ(report.at("total").as_uint64(), 3u);
  EXPECT_EQ(report.at("accepted").as_uint64(), 2u);
  EXPECT_EQ(report.at("created").as_uint64(), 2u);
  EXPECT_EQ(report.at("rejected").as_uint64(), 1u);
  const auto& errors = report.at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].at("row").as_uint64(), 2u);
  EXPECT_EQ(errors[0].at("name").as_string(), "bad name!");
  EXPECT_EQ(errors[0].at("code").as_string(), "invalid_argument");
  EXPECT_FALSE(report.at("errors_truncated").as_bool());
  EXPECT_EQ(DeviceCount(), 2);
}

TEST_F(DeviceImportTest, NdjsonWithABadRow) {
  auto report =
      Import(json::ImportFormat::kNdjson, "{\"name\":\"n-1\"}\n{\"name\":7}\n{\"name\":\"n-3\"}\n");
  EXPECT_EQ(report.at("total").as_uint64(), 3u);
  EXPECT_EQ(report.at("created").as_uint64(), 2u);
  EXPECT_EQ(report.at("rejected").as_uint64(), 1u);
  EXPECT_EQ(report.at("errors").at(0).at("row").as_uint64(), 2u);
}

TEST_F(DeviceImportTest, CsvWithLabelsAndABadRow) {
  auto report = Import(json::ImportFormat::kCsv,
                       "name,model,label.site,labels\n"
                       "c-1,TH-1,berlin,region=eu\n"
                       "\"bad name!\",TH-1,x,\n"
                       "c-3,\"TH, 2\",paris,region=eu;tier=gold\n");
  EXPECT_EQ(report.at("total").as_uint64(), 3u);
  EXPECT_EQ(report.at("created").as_uint64(), 2u);
  EXPECT_EQ(report.at("rejected").as_uint64(), 1u);
  EXPECT_EQ(report.at("errors").at(0).at("row").as_uint64(), 2u);
  auto c3 = registry_->GetDeviceByName("c-3");
  ASSERT_TRUE(c3);
  EXPECT_EQ(c3->identity.model, "TH, 2");
  EXPECT_EQ(c3->labels.at("site"), "paris");
  EXPECT_EQ(c3->labels.at("tier"), "gold");
}

TEST_F(DeviceImportTest, StoresInBatchesAsRowsArrive) {
  DeviceImport import(*registry_, AdminActor(), json::ImportFormat::kNdjson,
                      core::ConflictPolicy::kFail);
  auto batch = [](const std::string& prefix) {
    std::string out;
    for (std::size_t i = 0; i < DeviceImport::kBatchRows; ++i) {
      out += R"({"name":")" + prefix + std::to_string(i) + "\"}\n";
    }
    return out;
  };
  ASSERT_TRUE(import.Feed(batch("b-")));
  ASSERT_TRUE(import.Feed(batch("c-")));
  // At most one batch is being stored while the next is parsed: once a second full batch
  // has been handed over, the first is durable.
  EXPECT_GE(DeviceCount(), static_cast<std::int64_t>(DeviceImport::kBatchRows));
  ASSERT_TRUE(import.Feed(R"({"name":"b-last"})"));
  ASSERT_TRUE(import.Finish());
  EXPECT_EQ(DeviceCount(), static_cast<std::int64_t>(2 * DeviceImport::kBatchRows) + 1);
  EXPECT_EQ(import.Report().at("created").as_uint64(), 2 * DeviceImport::kBatchRows + 1);
}

TEST_F(DeviceImportTest, ConflictPolicies) {
  CreateDevice("x-1", R"("model":"old")");
  const std::string body = "{\"name\":\"x-1\",\"model\":\"new\"}\n{\"name\":\"x-2\"}\n";

  auto failed = Import(json::ImportFormat::kNdjson, body, core::ConflictPolicy::kFail);
  EXPECT_EQ(failed.at("created").as_uint64(), 1u);
  EXPECT_EQ(failed.at("rejected").as_uint64(), 1u);
  EXPECT_EQ(failed.at("errors").at(0).at("code").as_string(), "already_exists");

  auto skipped = Import(json::ImportFormat::kNdjson, body, core::ConflictPolicy::kSkip);
  EXPECT_EQ(skipped.at("skipped").as_uint64(), 2u);
  EXPECT_EQ(skipped.at("rejected").as_uint64(), 0u);
  EXPECT_EQ(registry_->GetDeviceByName("x-1")->identity.model, "old");

  auto updated = Import(json::ImportFormat::kNdjson, body, core::ConflictPolicy::kUpdate);
  EXPECT_EQ(updated.at("updated").as_uint64(), 2u);
  EXPECT_EQ(updated.at("accepted").as_uint64(), 2u);
  EXPECT_EQ(registry_->GetDeviceByName("x-1")->identity.model, "new");
}

TEST_F(DeviceImportTest, ListsAtMostAThousandErrors) {
  std::string body;
  for (int i = 0; i < 1005; ++i) body += "{\"name\":\"bad name " + std::to_string(i) + "\"}\n";
  auto report = Import(json::ImportFormat::kNdjson, body, core::ConflictPolicy::kFail, 4096);
  EXPECT_EQ(report.at("rejected").as_uint64(), 1005u);
  EXPECT_EQ(report.at("errors").as_array().size(), DeviceImport::kMaxListedErrors);
  EXPECT_TRUE(report.at("errors_truncated").as_bool());
}

TEST_F(DeviceImportTest, UnreadableBodyStopsAndSaysHowManyRowsWereStored) {
  DeviceImport import(*registry_, AdminActor(), json::ImportFormat::kCsv,
                      core::ConflictPolicy::kFail);
  auto header = import.Feed("name,colour\nx,red\n");
  ASSERT_FALSE(header);
  Response res = import.FailureResponse(header.error());
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("0 rows were stored"), std::string::npos) << res.body;
  EXPECT_EQ(DeviceCount(), 0);
}

TEST_F(DeviceImportTest, ConflictPolicyComesFromTheQuery) {
  Request req;
  EXPECT_EQ(*ParseConflictPolicy(req), core::ConflictPolicy::kFail);
  req.query = {{"on_conflict", "update"}};
  EXPECT_EQ(*ParseConflictPolicy(req), core::ConflictPolicy::kUpdate);
  req.query = {{"on_conflict", "merge"}};
  EXPECT_FALSE(ParseConflictPolicy(req));
}

}  // namespace
}  // namespace custos::api
