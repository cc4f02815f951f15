// The custos CLI end to end against the real server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "http_client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(dir_.path());
    ASSERT_FALSE(server_->url().empty());
  }

  CommandResult Cli(std::vector<std::string> args) {
    std::vector<std::string> full = {"--server", server_->url(), "--token", kAdminToken};
    // Global options may come after the subcommand; put them last as users often do.
    args.insert(args.end(), full.begin(), full.end());
    return RunCustos(args);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CliTest, CreateGetListUpdateDisableRetireDelete) {
  auto created = Cli({"devices", "create", "cli-1", "--protocol", "lwm2m", "--manufacturer",
                      "Acme", "--firmware-version", "2.0.1", "--label", "region=eu", "-o",
                      "json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto id = json::parse(created.out).at("id").as_int64();

  auto got = Cli({"devices", "get", "cli-1", "-o", "json"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(json::parse(got.out).at("id").as_int64(), id) << "a name resolves to its device";

  auto table = Cli({"devices", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("NAME"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("cli-1"), std::string::npos) << table.out;

  auto filtered = Cli({"devices", "list", "--filter", "labels.region = \"us\"", "-o", "json"});
  ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
  EXPECT_EQ(filtered.out.find("cli-1"), std::string::npos);

  auto updated = Cli({"devices", "update", std::to_string(id), "--label", "site=b3", "-o",
                      "json"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_EQ(json::parse(updated.out).at("labels").at("site").as_string(), "b3");

  EXPECT_EQ(Cli({"devices", "disable", "cli-1", "--reason", "test"}).exit_code, 0);
  auto again = Cli({"devices", "disable", "cli-1"});
  EXPECT_EQ(again.exit_code, 1) << "the server's 422 is an error";
  EXPECT_NE(again.err.find("failed_precondition"), std::string::npos) << again.err;
  EXPECT_EQ(Cli({"devices", "retire", "cli-1"}).exit_code, 0);
  EXPECT_EQ(Cli({"devices", "delete", "cli-1", "--yes"}).exit_code, 0);
  EXPECT_EQ(Cli({"devices", "get", "cli-1"}).exit_code, 1);
}

TEST_F(CliTest, ImportCsvPrintsTheReport) {
  auto path = dir_.path() / "fleet.csv";
  {
    std::ofstream f(path);
    f << "name,manufacturer,label.region\n";
    for (int i = 0; i < 5000; ++i) f << "imp-" << i << ",Acme," << (i % 2 ? "eu" : "us") << "\n";
    f << "bad name,Acme,eu\n";
  }
  auto r = Cli({"devices", "import", path.string(), "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto report = json::parse(r.out);
  EXPECT_EQ(report.at("accepted").as_int64(), 5000);
  EXPECT_EQ(report.at("rejected").as_int64(), 1);
  EXPECT_EQ(report.at("errors").at(0).at("row").as_int64(), 5001);

  auto count = Cli({"devices", "list", "--filter", "labels.region = \"eu\"", "--count", "-o",
                    "json"});
  ASSERT_EQ(count.exit_code, 0) << count.err;
  EXPECT_EQ(json::parse(count.out).at("total").as_int64(), 2500);
}

TEST_F(CliTest, TokensAndAuthErrors) {
  auto made = Cli({"tokens", "create", "viewer-1", "--role", "viewer", "-o", "json"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto secret = std::string(json::parse(made.out).at("secret").as_string());
  auto denied = RunCustos({"devices", "create", "nope", "--server", server_->url(), "--token",
                           secret});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("permission_denied"), std::string::npos) << denied.err;
  auto anon = RunCustos({"devices", "list", "--server", server_->url(), "--token", "cst_bad"});
  EXPECT_EQ(anon.exit_code, 1);
  EXPECT_NE(anon.err.find("unauthenticated"), std::string::npos) << anon.err;
  auto env = RunCustos({"devices", "list"},
                       {"CUSTOS_SERVER=" + server_->url(), std::string("CUSTOS_TOKEN=") +
                                                               kAdminToken});
  EXPECT_EQ(env.exit_code, 0) << "server and token from the environment: " << env.err;
}

TEST_F(CliTest, UnreachableServerAndUsageErrors) {
  auto r = RunCustos({"devices", "list", "--server", "http://127.0.0.1:1", "--token", "x"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto u = RunCustos({"devices", "frobnicate"});
  EXPECT_EQ(u.exit_code, 2);
}

TEST_F(CliTest, GroupsFromTheCommandLine) {
  ASSERT_EQ(Cli({"devices", "create", "grp-1", "--label", "region=eu"}).exit_code, 0);
  auto g = Cli({"groups", "create", "eu", "--filter", "labels.region = \"eu\"", "-o", "json"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  auto id = std::to_string(json::parse(g.out).at("id").as_int64());
  auto members = Cli({"groups", "members", id, "-o", "json"});
  ASSERT_EQ(members.exit_code, 0) << members.err;
  EXPECT_NE(members.out.find("grp-1"), std::string::npos);
}

}  // namespace
}  // namespace custos::testing
