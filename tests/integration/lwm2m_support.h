// What the LwM2M end-to-end tests read back from coap-client-notls and the REST API.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <string>

#include "http_client.h"
#include "server_process.h"

namespace custos::testing {

// The registration path from a 2.01 answer printed with -v 6: "/rd/ID", or "" without one.
inline std::string RegistrationLocation(const CommandResult& r) {
  std::smatch m;
  const std::string text = r.out + r.err;
  if (!std::regex_search(text, m, std::regex(R"(Location-Path:rd, Location-Path:(\w+))"))) {
    return "";
  }
  return "/rd/" + m[1].str();
}

// Whether the program printed `what` on stdout or stderr.
inline bool Says(const CommandResult& r, const std::string& what) {
  return (r.out + r.err).find(what) != std::string::npos;
}

// The device named `name` from the REST API, or null when there is none.
inline boost::json::value DeviceNamed(HttpClient& client, const std::string& name) {
  auto list = client.Get("/api/v1/devices?filter=name%3D%22" + name + "%22");
  EXPECT_EQ(list.status, 200) << list.body;
  if (list.status != 200) return nullptr;
  const auto& items = list.Json().at("devices").as_array();
  if (items.empty()) return nullptr;
  return items[0];
}

}  // namespace custos::testing
