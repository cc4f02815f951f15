// A real core over a real SQLite store in a temporary directory, with an admin, an operator
// and a viewer token, for handler tests (through RestApi, no sockets) and server tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "api/http_server.h"
#include "api/message.h"
#include "api/query.h"
#include "api/rest_api.h"
#include "core/core.h"
#include "metrics/metrics.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::api {

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-api-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.synchronous_full = false;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    events_ = std::make_unique<core::EventBus>(core::SystemClock());
    registry_ = std::make_unique<core::Registry>(*store_, *events_, core::SystemClock());
    ASSERT_TRUE(registry_->Load());
    tokens_ = std::make_unique<core::TokenService>(*store_, core::SystemClock());
    auto admin = tokens_->Bootstrap(std::nullopt);
    ASSERT_TRUE(admin && *admin);
    admin_ = **admin;
    auto actor = tokens_->Authenticate(admin_);
    ASSERT_TRUE(actor);
    auto op = tokens_->Create(*actor, "ops", core::Role::kOperator, std::nullopt);
    ASSERT_TRUE(op);
    operator_ = op->secret;
    auto viewer = tokens_->Create(*actor, "watcher", core::Role::kViewer, std::nullopt);
    ASSERT_TRUE(viewer);
    viewer_ = viewer->secret;
    api_ = std::make_unique<RestApi>(services());
  }

  void TearDown() override {
    api_.reset();
    if (store_) store_->Close();
    tokens_.reset();
    registry_.reset();
    events_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Services services() { return Services{*registry_, *tokens_, *events_, *store_, metrics_}; }

  // Calls the API as a client would, without a socket.
  Response Call(const std::string& method, const std::string& target, std::string body = "",
                const std::string& secret = "",
                std::map<std::string, std::string, std::less<>> headers = {}) {
    Request req;
    req.method = method;
    auto t = ParseTarget(target);
    EXPECT_TRUE(t) << target;
    if (t) {
      req.path = t->path;
      req.query = t->query;
    }
    req.headers = std::move(headers);
    if (!secret.empty()) req.headers["authorization"] = "Bearer " + secret;
    req.body = std::move(body);
    return api_->Handle(req);
  }
  Response Admin(const std::string& method, const std::string& target, std::string body = "") {
    return Call(method, target, std::move(body), admin_);
  }

  static boost::json::value Json(const Response& r) { return boost::json::parse(r.body); }
  static std::string ErrorCode(const Response& r) {
    return std::string(boost::json::parse(r.body).at("error").at("code").as_string());
  }

  // Creates a device and returns its id.
  std::int64_t CreateDevice(const std::string& name, const std::string& extra = "") {
    Response r = Admin("POST", "/api/v1/devices",
                       R"({"name":")" + name + "\"" + (extra.empty() ? "" : "," + extra) + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return 0;
    return Json(r).at("id").as_int64();
  }

  std::filesystem::path dir_;
  std::unique_ptr<core::Store> store_;
  std::unique_ptr<core::EventBus> events_;
  std::unique_ptr<core::Registry> registry_;
  std::unique_ptr<core::TokenService> tokens_;
  metrics::Registry metrics_;
  std::unique_ptr<RestApi> api_;
  std::string admin_, operator_, viewer_;
};

}  // namespace custos::api
