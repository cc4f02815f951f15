// A small blocking HTTP/1.1 client for end-to-end tests (Boost.Beast), plus an SSE reader.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace custos::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  // The body parsed as JSON (null if it is not JSON); parsed once and kept, so references
  // into it stay valid as long as the response.
  const boost::json::value& Json() const;

 private:
  mutable std::optional<boost::json::value> json_;
};

class HttpClient {
 public:
  HttpClient(std::string host, unsigned short port, std::string token = "");
  ~HttpClient();

  HttpResponse Request(const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});
  HttpResponse Get(const std::string& target) { return Request("GET", target); }
  HttpResponse Post(const std::string& target, const std::string& body) {
    return Request("POST", target, body, {{"Content-Type", "application/json"}});
  }
  HttpResponse Patch(const std::string& target, const std::string& body) {
    return Request("PATCH", target, body, {{"Content-Type", "application/json"}});
  }
  HttpResponse Delete(const std::string& target) { return Request("DELETE", target); }
  void set_token(std::string token) { token_ = std::move(token); }

  // Opens a connection and writes `bytes` (e.g. a request whose body is only partly sent);
  // the connection stays open until the returned handle is dropped.
  std::shared_ptr<void> OpenAndSend(const std::string& bytes);

  // Sends raw bytes on a fresh connection and returns what comes back until the peer closes
  // or `timeout` passes.
  std::string Raw(const std::string& bytes,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  struct Impl;
  std::string host_;
  unsigned short port_;
  std::string token_;
  std::unique_ptr<Impl> impl_;
};

// Follows a text/event-stream; each Next() returns one event's "data:" payload.
class SseStream {
 public:
  SseStream(const std::string& host, unsigned short port, const std::string& target,
            const std::string& token, const std::string& last_event_id = "");
  ~SseStream();
  int status() const { return status_; }
  // The next event (type, data), or nullopt when `timeout` passes or the stream ends.
  struct Event {
    std::string id, type, data;
  };
  std::optional<Event> Next(std::chrono::milliseconds timeout = std::chrono::seconds(20));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int status_ = 0;
};

}  // namespace custos::testing
