#include "mqtt_provision.h"

#include <fmt/format.h>
#include <openssl/sha.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "mqtt_http_download.h"

namespace custos::sim {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;

class RestClient {
 public:
  RestClient(const HttpUrl& url, std::string token)
      : host_(url.host), token_(std::move(token)), stream_(context_) {
    stream_.connect(tcp::endpoint(boost::asio::ip::address_v4(ntohl(url.address.sin_addr.s_addr)),
                                  ntohs(url.address.sin_port)));
  }

  http::response<http::string_body> Call(http::verb method, const std::string& target,
                                         const std::string& body) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, host_);
    request.set(http::field::authorization, "Bearer " + token_);
    if (!body.empty()) {
      request.set(http::field::content_type, "application/json");
      request.body() = body;
    }
    request.prepare_payload();
    http::write(stream_, request);
    http::response<http::string_body> response;
    http::read(stream_, buffer_, response);
    return response;
  }

 private:
  std::string host_;
  std::string token_;
  boost::asio::io_context context_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

core::Error Failed(const std::string& name, const std::string& what,
                   const http::response<http::string_body>& response) {
  return core::Error{core::ErrorCode::kUnavailable,
                     fmt::format("provisioning {}: {} answered {}: {}", name, what,
                                 response.result_int(), response.body()),
                     std::nullopt};
}

core::Result<std::int64_t> DeviceId(RestClient& client, const std::string& name) {
  auto created = client.Call(http::verb::post, "/api/v1/devices",
                             json::serialize(json::object{{"name", name}, {"protocol", "mqtt"}}));
  if (created.result_int() == 201)
    return json::parse(created.body()).at("id").to_number<std::int64_t>();
  if (created.result_int() != 409) return tl::unexpected(Failed(name, "POST /devices", created));
  const std::string filter = "name = \"" + name + "\"";
  const std::string target =
      "/api/v1/devices?filter=" + boost::urls::encode(filter, boost::urls::unreserved_chars);
  auto found = client.Call(http::verb::get, target, "");
  if (found.result_int() != 200) return tl::unexpected(Failed(name, "GET /devices", found));
  const json::array& devices = json::parse(found.body()).at("devices").as_array();
  if (devices.empty()) return tl::unexpected(Failed(name, "GET /devices (not found)", found));
  return devices.front().at("id").to_number<std::int64_t>();
}

}  // namespace

std::string SimDeviceName(std::string_view prefix, std::size_t index) {
  return fmt::format("{}{:06}", prefix, index);
}

std::string SimDeviceSecret(std::string_view name) {
  const std::string seed = "custos-sim:" + std::string(name);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), digest);
  std::string secret = "sim-";
  for (int i = 0; i < 12; ++i) secret += fmt::format("{:02x}", digest[i]);
  return secret;
}

core::Result<std::vector<mqtt_bench::Device>> ProvisionDevices(const ProvisionRequest& request) {
  auto url = ParseHttpUrl(request.base_url + "/");
  if (!url) return tl::unexpected(url.error());
  std::vector<mqtt_bench::Device> devices;
  try {
    RestClient client(*url, request.token);
    for (std::size_t i = request.first; i < request.first + request.count; ++i) {
      mqtt_bench::Device device{SimDeviceName(request.prefix, i), ""};
      device.secret = SimDeviceSecret(device.name);
      auto id = DeviceId(client, device.name);
      if (!id) return tl::unexpected(id.error());
      const std::string base = "/api/v1/devices/" + std::to_string(*id) + "/credentials";
      auto listed = client.Call(http::verb::get, base, "");
      if (listed.result_int() != 200) {
        return tl::unexpected(Failed(device.name, "GET credentials", listed));
      }
      bool has_password = false;
      for (const json::value& c : json::parse(listed.body()).at("credentials").as_array()) {
        has_password |= c.at("kind") == "password" && c.at("identity").as_string() == device.name &&
                        c.at("revoked_at").is_null();
      }
      if (!has_password) {
        auto made = client.Call(
            http::verb::post, base,
            json::serialize(json::object{{"kind", "password"}, {"secret", device.secret}}));
        if (made.result_int() != 201) {
          return tl::unexpected(Failed(device.name, "POST credentials", made));
        }
      }
      devices.push_back(std::move(device));
    }
  } catch (const std::exception& e) {  // start-up only: a socket or JSON error of the server's
    return core::MakeError(core::ErrorCode::kUnavailable, std::string("provisioning: ") + e.what());
  }
  return devices;
}

}  // namespace custos::sim
