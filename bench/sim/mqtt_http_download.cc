#include "mqtt_http_download.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "source_address.h"

namespace custos::sim {
namespace {

constexpr std::size_t kMaxHead = 16 * 1024;

core::Error Invalid(std::string message) {
  return core::Error{core::ErrorCode::kInvalidArgument, std::move(message), std::nullopt};
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

core::Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    return tl::unexpected(Invalid("firmware url: only http:// is supported: " + std::string(url)));
  }
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  HttpUrl out;
  out.host = std::string(authority);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  std::string_view host = authority;
  std::string port_text = "80";
  if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_text = std::string(authority.substr(colon + 1));
  }
  if (host == "localhost") host = "127.0.0.1";
  auto address = mqtt_bench::ParseHostPort(std::string(host) + ":" + port_text);
  if (!address)
    return tl::unexpected(Invalid("firmware url: bad host or port: " + std::string(url)));
  out.address = *address;
  return out;
}

HttpDownload::HttpDownload(int fd, std::string request)
    : fd_(fd), request_(std::move(request)), digest_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(digest_, EVP_sha256(), nullptr);
}

HttpDownload::~HttpDownload() {
  if (fd_ >= 0) ::close(fd_);
  EVP_MD_CTX_free(digest_);
}

core::Result<std::unique_ptr<HttpDownload>> HttpDownload::Start(const HttpUrl& url,
                                                                std::string_view token,
                                                                in_addr source) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("socket: ") + std::strerror(errno));
  }
  std::string request = "GET " + url.target + " HTTP/1.1\r\nHost: " + url.host +
                        "\r\nConnection: close\r\nAccept: application/octet-stream\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + std::string(token) + "\r\n";
  request += "\r\n";
  std::unique_ptr<HttpDownload> download(new HttpDownload(fd, std::move(request)));
  const int one = 1;
  ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr = source;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0 ||
      (::connect(fd, reinterpret_cast<const sockaddr*>(&url.address), sizeof url.address) != 0 &&
       errno != EINPROGRESS)) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("http connect: ") + std::strerror(errno));
  }
  return download;
}

HttpDownload::Status HttpDownload::Fail(std::string why) {
  error_ = std::move(why);
  return Status::kFailed;
}

HttpDownload::Status HttpDownload::OnReady() {
  if (!connected_) {
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) return Fail(std::string("http connect: ") + std::strerror(error));
    connected_ = true;
  }
  while (sent_ < request_.size()) {
    const ssize_t n = ::send(fd_, request_.data() + sent_, request_.size() - sent_, MSG_NOSIGNAL);
    if (n > 0) {
      sent_ += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return Status::kRunning;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return Fail(std::string("http send: ") + std::strerror(errno));
    }
  }
  return ReadAvailable();
}

HttpDownload::Status HttpDownload::ReadAvailable() {
  std::array<std::uint8_t, 16384> buffer;
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n == 0) {
      if (!head_done_) return Fail("http: connection closed before the response head");
      if (content_length_ && body_bytes_ < *content_length_) {
        return Fail("http: body cut short at " + std::to_string(body_bytes_) + " bytes");
      }
      return Finish();
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::kRunning;
      if (errno == EINTR) continue;
      return Fail(std::string("http recv: ") + std::strerror(errno));
    }
    std::size_t offset = 0;
    const auto size = static_cast<std::size_t>(n);
    if (!head_done_) {
      const std::size_t before = head_.size();
      head_.append(reinterpret_cast<const char*>(buffer.data()), size);
      const std::size_t end = head_.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (head_.size() > kMaxHead) return Fail("http: response head too large");
        continue;
      }
      head_done_ = true;
      offset = end + 4 - before;
      if (!ParseHead(std::string_view(head_).substr(0, end))) return Status::kFailed;
    }
    Body(buffer.data() + offset, size - offset);
    if (content_length_ && body_bytes_ >= *content_length_) return Finish();
  }
}

bool HttpDownload::ParseHead(std::string_view head) {
  const std::size_t line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  int status = 0;
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) {
    Fail("http: not an HTTP/1.x response");
    return false;
  }
  std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
  if (status != 200) {
    Fail("http: status " + std::to_string(status));
    return false;
  }
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    const std::size_t end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string name = Lower(Trim(line.substr(0, colon)));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (name == "content-length") {
      std::uint64_t length = 0;
      std::from_chars(value.data(), value.data() + value.size(), length);
      content_length_ = length;
    } else if (name == "transfer-encoding" && Lower(value) != "identity") {
      Fail("http: transfer-encoding " + std::string(value) + " is not supported");
      return false;
    }
  }
  return true;
}

void HttpDownload::Body(const std::uint8_t* data, std::size_t size) {
  if (content_length_) size = std::min<std::uint64_t>(size, *content_length_ - body_bytes_);
  EVP_DigestUpdate(digest_, data, size);
  body_bytes_ += size;
}

HttpDownload::Status HttpDownload::Finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int length = 0;
  EVP_DigestFinal_ex(digest_, digest.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  sha256_.clear();
  for (unsigned int i = 0; i < length; ++i) {
    sha256_ += kHex[digest[i] >> 4];
    sha256_ += kHex[digest[i] & 0xF];
  }
  ::close(fd_);
  fd_ = -1;
  return Status::kDone;
}

}  // namespace custos::sim
