#include "cli/api_client.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace custos::cli {
namespace json = boost::json;

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

namespace {

std::string FirstLine(std::string_view text, std::size_t max) {
  text = text.substr(0, text.find_first_of("\r\n"));
  if (text.size() > max) return std::string(text.substr(0, max)) + "...";
  return std::string(text);
}

Failure ErrorFromBody(const HttpResponse& response) {
  Failure failure;
  failure.exit_code = kExitServerError;
  failure.code = fmt::format("http_{}", response.status);
  failure.message =
      response.body.empty() ? "the server gave no reason" : FirstLine(response.body, 200);
  json::error_code ec;
  json::value v = json::parse(response.body, ec);
  if (ec || !v.is_object()) return failure;
  const json::value* error = v.as_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return failure;
  const json::object& e = error->as_object();
  if (const auto* code = e.if_contains("code"); code && code->is_string()) {
    failure.code = code->as_string();
  }
  if (const auto* message = e.if_contains("message"); message && message->is_string()) {
    failure.message = message->as_string();
  }
  if (const auto* position = e.if_contains("position");
      position && position->is_int64() && position->as_int64() >= 0) {
    failure.position = static_cast<std::size_t>(position->as_int64());
  }
  return failure;
}

}  // namespace

Outcome<json::value> Interpret(const HttpResponse& response) {
  if (response.status < 200 || response.status >= 300) {
    return tl::unexpected(ErrorFromBody(response));
  }
  if (response.body.empty()) return json::value(nullptr);
  json::error_code ec;
  json::value v = json::parse(response.body, ec);
  if (ec) {
    return ServerError("bad_answer", fmt::format("the server's answer is not JSON ({}): {}",
                                                 ec.message(), FirstLine(response.body, 80)));
  }
  return v;
}

ApiClient::ApiClient(HttpTransport& transport, std::string base_path, std::string token)
    : transport_(transport), base_path_(std::move(base_path)), token_(std::move(token)) {}

std::string ApiClient::Target(std::string_view path, const Query& query) const {
  std::string target = base_path_ + "/api/v1" + std::string(path);
  char separator = '?';
  for (const auto& [key, value] : query) {
    if (value.empty()) continue;
    target += separator;
    target += PercentEncode(key);
    target += '=';
    target += PercentEncode(value);
    separator = '&';
  }
  return target;
}

HttpRequest ApiClient::Request(std::string method, std::string target,
                               std::string_view accept) const {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.headers.emplace_back("Accept", std::string(accept));
  if (!token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
  return request;
}

Outcome<json::value> ApiClient::SendJson(std::string method, std::string_view path,
                                         const json::value* body) {
  HttpRequest request = Request(std::move(method), Target(path));
  if (body != nullptr) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = json::serialize(*body);
  }
  auto response = transport_.Send(request);
  if (!response) return tl::unexpected(response.error());
  return Interpret(*response);
}

Outcome<json::value> ApiClient::Get(std::string_view path, const Query& query) {
  auto response = transport_.Send(Request("GET", Target(path, query)));
  if (!response) return tl::unexpected(response.error());
  return Interpret(*response);
}

Outcome<json::value> ApiClient::Post(std::string_view path, const json::value& body) {
  return SendJson("POST", path, &body);
}

Outcome<json::value> ApiClient::Patch(std::string_view path, const json::value& body) {
  return SendJson("PATCH", path, &body);
}

Outcome<json::value> ApiClient::Put(std::string_view path, const json::value& body) {
  return SendJson("PUT", path, &body);
}

Outcome<json::value> ApiClient::Delete(std::string_view path) {
  return SendJson("DELETE", path, nullptr);
}

Outcome<json::value> ApiClient::Upload(std::string_view path, const Query& query,
                                       std::string_view content_type, std::istream& body,
                                       const SentFn& on_sent) {
  HttpRequest request = Request("POST", Target(path, query));
  request.headers.emplace_back("Content-Type", std::string(content_type));
  auto response = transport_.Upload(request, body, on_sent);
  if (!response) return tl::unexpected(response.error());
  return Interpret(*response);
}

Outcome<void> ApiClient::Stream(std::string_view path, const Query& query,
                                const Headers& extra_headers, const ReceivedFn& on_received) {
  HttpRequest request = Request("GET", Target(path, query), "text/event-stream");
  for (const auto& header : extra_headers) request.headers.push_back(header);
  auto response = transport_.Stream(request, on_received);
  if (!response) return tl::unexpected(response.error());
  if (response->status < 200 || response->status >= 300) {
    return tl::unexpected(Interpret(*response).error());
  }
  return {};
}

Outcome<void> ApiClient::ForEachPage(
    std::string_view path, Query query, bool all,
    const std::function<Outcome<void>(const json::object&)>& on_page) {
  // A --cursor given by the user is where the walk starts.
  std::size_t cursor = 0;
  while (cursor < query.size() && query[cursor].first != "cursor") ++cursor;
  if (cursor == query.size()) query.emplace_back("cursor", "");
  for (;;) {
    auto page = Get(path, query);
    if (!page) return tl::unexpected(page.error());
    if (!page->is_object()) return ServerError("bad_answer", "a list page is not a JSON object");
    const json::object& object = page->as_object();
    if (auto done = on_page(object); !done) return done;
    const json::value* next = object.if_contains("next_cursor");
    if (!all || next == nullptr || !next->is_string() || next->as_string().empty()) return {};
    query[cursor].second = next->as_string();
  }
}

}  // namespace custos::cli
