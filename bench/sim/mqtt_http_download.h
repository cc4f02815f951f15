// A firmware image fetched over HTTP/1.1 by a simulated device without blocking the fleet's
// event loop: one non-blocking socket from the device's own source address, the body hashed
// (SHA-256) and counted as it arrives, nothing of it kept.
#pragma once

#include <netinet/in.h>
#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace custos::sim {

struct HttpUrl {
  sockaddr_in address{};
  std::string host;    // as written, for the Host header
  std::string target;  // path and query, "/" at least
};

// `http://HOST[:PORT]/PATH` with a dotted IPv4 host or `localhost`; kInvalidArgument for
// anything else (https included: the simulator speaks plain HTTP only).
core::Result<HttpUrl> ParseHttpUrl(std::string_view url);

class HttpDownload {
 public:
  enum class Status { kRunning, kDone, kFailed };

  // Connects to `url` from `source` and sends a GET (with `Authorization: Bearer TOKEN` when
  // `token` is not empty). kUnavailable if the socket cannot be made or started.
  static core::Result<std::unique_ptr<HttpDownload>> Start(const HttpUrl& url,
                                                           std::string_view token, in_addr source);
  ~HttpDownload();
  HttpDownload(const HttpDownload&) = delete;
  HttpDownload& operator=(const HttpDownload&) = delete;

  int fd() const { return fd_; }
  bool wants_write() const { return sent_ < request_.size(); }

  // Does what the socket allows (connect, send, read); kDone once the whole body arrived
  // with status 200, kFailed (error() says why) on any other status, a socket error, or a
  // body cut short.
  Status OnReady();

  std::uint64_t body_bytes() const { return body_bytes_; }
  std::optional<std::uint64_t> content_length() const { return content_length_; }
  // The body's SHA-256 in lower-case hex, once kDone.
  const std::string& sha256() const { return sha256_; }
  const std::string& error() const { return error_; }

 private:
  HttpDownload(int fd, std::string request);
  Status Fail(std::string why);
  Status ReadAvailable();
  // Parses the status line and headers once they are complete; false on a bad response.
  bool ParseHead(std::string_view head);
  void Body(const std::uint8_t* data, std::size_t size);
  Status Finish();

  int fd_ = -1;
  bool connected_ = false;
  std::string request_;
  std::size_t sent_ = 0;
  std::string head_;
  bool head_done_ = false;
  std::optional<std::uint64_t> content_length_;
  std::uint64_t body_bytes_ = 0;
  EVP_MD_CTX* digest_ = nullptr;
  std::string sha256_;
  std::string error_;
};

}  // namespace custos::sim
