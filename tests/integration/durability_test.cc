// What the server acknowledged survives a clean stop, a restart and a kill -9.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "http_client.h"
#include "server_process.h"

namespace custos::testing {
namespace {

namespace json = boost::json;

std::string CsvRows(int first, int count) {
  std::string out = "name,manufacturer,model,firmware_version,label.region\n";
  for (int i = first; i < first + count; ++i) {
    out += "crash-" + std::to_string(i) + ",Acme,TH-" + std::to_string(i % 7) + ",1." +
           std::to_string(i % 13) + "," + (i % 2 ? "eu" : "us") + "\n";
  }
  return out;
}

TEST(DurabilityTest, StateSurvivesRestartAndTheAdminTokenIsPrintedOnce) {
  TempDir dir;
  std::string admin_secret;
  std::int64_t id = 0;
  {
    ServerProcess server(dir.path(), {}, /*admin_from_env=*/false);
    ASSERT_FALSE(server.url().empty());
    const std::string marker = "admin token (shown once, keep it safe): ";
    auto out = server.Output();
    auto at = out.find(marker);
    ASSERT_NE(at, std::string::npos) << out;
    admin_secret = out.substr(at + marker.size(), out.find('\n', at) - at - marker.size());
    HttpClient c(server.host(), server.port(), admin_secret);
    auto r = c.Post("/api/v1/devices", R"({"name":"keep-me","labels":{"a":"b"}})");
    ASSERT_EQ(r.status, 201);
    id = r.Json().at("id").as_int64();
    ASSERT_EQ(c.Post("/api/v1/devices/" + std::to_string(id) + "/disable", "{}").status, 200);
    EXPECT_EQ(server.Stop(), 0) << "SIGTERM stops cleanly";
    EXPECT_NE(server.Output().find("custos: stopped"), std::string::npos);
  }
  ServerProcess again(dir.path(), {}, /*admin_from_env=*/false);
  ASSERT_FALSE(again.url().empty());
  EXPECT_EQ(again.Output().find("admin token"), std::string::npos)
      << "the admin token is printed only on first start";
  HttpClient c(again.host(), again.port(), admin_secret);
  auto r = c.Get("/api/v1/devices/" + std::to_string(id));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Json().at("state").as_string(), "disabled");
  EXPECT_EQ(r.Json().at("labels").at("a").as_string(), "b");
}

TEST(DurabilityTest, SecondServerOnTheSameDataDirIsRefused) {
  TempDir dir;
  ServerProcess first(dir.path());
  ASSERT_FALSE(first.url().empty());
  auto r = RunCustos({"serve", "--data-dir", dir.path().string(), "--http-listen",
                      "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST(DurabilityTest, AcknowledgedCreatesSurviveKill9) {
  TempDir dir;
  std::set<std::string> acknowledged;
  std::mutex mu;
  {
    ServerProcess server(dir.path());
    ASSERT_FALSE(server.url().empty());
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        HttpClient c(server.host(), server.port(), kAdminToken);
        for (int i = 0; !stop; ++i) {
          std::string name = "ack-" + std::to_string(w) + "-" + std::to_string(i);
          try {
            auto r = c.Post("/api/v1/devices", R"({"name":")" + name + R"("})");
            if (r.status != 201) return;
            std::lock_guard lock(mu);
            acknowledged.insert(name);
          } catch (const std::exception&) {
            return;  // the server is gone
          }
        }
      });
    }
    ASSERT_TRUE(WaitUntil([&] {
      std::lock_guard lock(mu);
      return acknowledged.size() >= 300;
    }));
    server.Kill();
    stop = true;
    for (auto& t : writers) t.join();
  }
  ServerProcess again(dir.path());
  ASSERT_FALSE(again.url().empty());
  HttpClient c(again.host(), again.port(), kAdminToken);
  std::set<std::string> stored;
  std::string cursor;
  do {
    auto page = c.Get("/api/v1/devices?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200);
    for (const auto& d : page.Json().at("devices").as_array()) {
      stored.insert(std::string(d.at("name").as_string()));
    }
    auto next = page.Json().at("next_cursor");
    cursor = next.is_null() ? "" : std::string(next.as_string());
  } while (!cursor.empty());
  for (const auto& name : acknowledged) {
    EXPECT_TRUE(stored.count(name)) << name << " was acknowledged but is missing";
  }
}

TEST(DurabilityTest, Kill9DuringA100kImportLeavesOnlyWholeRows) {
  TempDir dir;
  const int kRows = 100'000;
  auto csv = CsvRows(0, kRows);
  {
    ServerProcess server(dir.path());
    ASSERT_FALSE(server.url().empty());
    // Send the request with only the first half of its body, so that the server is killed
    // in the middle of the import whatever its speed.
    std::string head = "POST /api/v1/devices/import HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " + std::string(kAdminToken) +
                       "\r\nContent-Type: text/csv\r\nContent-Length: " +
                       std::to_string(csv.size()) + "\r\n\r\n";
    HttpClient probe(server.host(), server.port(), kAdminToken);
    auto open = probe.OpenAndSend(head + csv.substr(0, csv.size() / 2));
    ASSERT_TRUE(WaitUntil(
        [&] {
          auto r = probe.Get("/api/v1/devices?limit=1&count=true");
          return r.status == 200 && r.Json().at("total").as_int64() >= 2000;
        },
        std::chrono::seconds(120)));
    server.Kill();
  }
  ServerProcess again(dir.path());
  ASSERT_FALSE(again.url().empty());
  HttpClient c(again.host(), again.port(), kAdminToken);
  std::int64_t whole = 0;
  std::string cursor;
  do {
    auto page = c.Get("/api/v1/devices?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200);
    for (const auto& d : page.Json().at("devices").as_array()) {
      auto name = std::string(d.at("name").as_string());
      int i = std::stoi(name.substr(6));
      // Every stored row is whole: each field as the CSV row gave it.
      ASSERT_EQ(d.at("manufacturer").as_string(), "Acme") << name;
      ASSERT_EQ(d.at("model").as_string(), "TH-" + std::to_string(i % 7)) << name;
      ASSERT_EQ(d.at("firmware_version").as_string(), "1." + std::to_string(i % 13)) << name;
      ASSERT_EQ(d.at("labels").at("region").as_string(), i % 2 ? "eu" : "us") << name;
      ++whole;
    }
    auto next = page.Json().at("next_cursor");
    cursor = next.is_null() ? "" : std::string(next.as_string());
  } while (!cursor.empty());
  EXPECT_GE(whole, 2000);
  EXPECT_LT(whole, kRows) << "the kill came in the middle of the import";
  // Running the same import again with on_conflict=skip completes the fleet.
  auto r = c.Request("POST", "/api/v1/devices/import?on_conflict=skip", csv,
                     {{"Content-Type", "text/csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto report = r.Json();
  EXPECT_EQ(report.at("total").as_int64(), kRows);
  EXPECT_EQ(report.at("skipped").as_int64(), whole);
  EXPECT_EQ(report.at("created").as_int64(), kRows - whole);
  EXPECT_EQ(report.at("rejected").as_int64(), 0);
}

}  // namespace
}  // namespace custos::testing
