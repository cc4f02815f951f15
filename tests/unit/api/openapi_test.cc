// The OpenAPI document and the server agree: the same (method, path) pairs, and what is
// served is the file in docs/.
#include "api/openapi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "api/http_server.h"

namespace custos::api {
namespace {

std::set<std::pair<std::string, std::string>> DocumentRoutes(const boost::json::value& doc) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      if (method == "parameters") continue;
      std::string upper(method);
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      out.emplace(upper, std::string(path));
    }
  }
  return out;
}

TEST(OpenApiTest, DocumentRoutesEqualServerRoutes) {
  auto doc = boost::json::parse(OpenApiDocument());
  auto routes = Routes();
  std::set<std::pair<std::string, std::string>> served(routes.begin(), routes.end());
  EXPECT_EQ(served.size(), routes.size()) << "a route is listed twice";
  EXPECT_EQ(DocumentRoutes(doc), served);
}

TEST(OpenApiTest, IsOpenApi303WithTheErrorSchema) {
  auto doc = boost::json::parse(OpenApiDocument());
  EXPECT_EQ(doc.at("openapi").as_string(), "3.0.3");
  const auto& error = doc.at("components").at("schemas").at("Error");
  EXPECT_TRUE(error.at("properties").at("error").at("properties").as_object().contains("code"));
}

TEST(OpenApiTest, EveryReferenceResolves) {
  auto doc = boost::json::parse(OpenApiDocument());
  std::vector<std::string> missing;
  std::function<void(const boost::json::value&)> walk = [&](const boost::json::value& v) {
    if (v.is_object()) {
      for (const auto& [k, child] : v.as_object()) {
        if (k == "$ref") {
          std::string ref(child.as_string());
          // "#/components/<kind>/<name>"
          auto parts = ref.substr(2);
          auto slash1 = parts.find('/');
          auto slash2 = parts.find('/', slash1 + 1);
          auto kind = parts.substr(slash1 + 1, slash2 - slash1 - 1);
          auto name = parts.substr(slash2 + 1);
          if (!doc.at("components").as_object().contains(kind) ||
              !doc.at("components").at(kind).as_object().contains(name)) {
            missing.push_back(ref);
          }
        } else {
          walk(child);
        }
      }
    } else if (v.is_array()) {
      for (const auto& child : v.as_array()) walk(child);
    }
  };
  walk(doc);
  EXPECT_TRUE(missing.empty()) << missing.front();
}

TEST(OpenApiTest, ServedDocumentIsTheFileInDocs) {
  std::ifstream in(CUSTOS_OPENAPI_JSON);
  ASSERT_TRUE(in) << CUSTOS_OPENAPI_JSON;
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), OpenApiDocument());
}

}  // namespace
}  // namespace custos::api
