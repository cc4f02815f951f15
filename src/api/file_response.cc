// Answers whose body is a file (firmware content): the header with the Content-Length of the
// slice, then the slice in pieces, so a large image costs one buffer per connection. The file
// is opened before anything is written, so a file that cannot be read is still a clean 500.
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <cstring>
#include <vector>

#include "api/connection.h"
#include "api/error_response.h"

namespace custos::api::net {

namespace {

constexpr std::size_t kPieceBytes = 64 * 1024;

// Closes the descriptor on every path out of the coroutine.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

asio::awaitable<beast::error_code> WriteFileResponse(Stream& stream, const Response& res,
                                                     unsigned version, bool keep_alive,
                                                     std::chrono::milliseconds timeout) {
  const Response::FileBody& body = *res.file;
  FileDescriptor file{::open(body.path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    Response failed = ErrorResponse(
        core::Error{core::ErrorCode::kInternal,
                    "cannot open " + body.path.filename().string() + ": " + std::strerror(errno),
                    {}});
    co_return co_await WriteResponse(stream, failed, version, keep_alive, timeout);
  }

  http::response<http::empty_body> head;
  head.version(version);
  head.result(static_cast<unsigned>(res.status));
  head.set(http::field::server, "custos");
  if (!res.content_type.empty()) head.set(http::field::content_type, res.content_type);
  for (const auto& [name, value] : res.headers) head.set(name, value);
  head.content_length(body.length);
  head.keep_alive(keep_alive);
  http::response_serializer<http::empty_body> serializer(head);
  stream.expires_after(timeout);
  auto [head_ec, head_n] =
      co_await http::async_write_header(stream, serializer, asio::as_tuple(asio::use_awaitable));
  if (head_ec) co_return head_ec;

  std::vector<char> piece(kPieceBytes);
  std::uint64_t offset = body.offset;
  std::uint64_t left = body.length;
  while (left > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, piece.size()));
    // A page-cache read of at most 64 KiB: short enough for the I/O thread.
    ssize_t n = ::pread(file.fd, piece.data(), want, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The header promised more bytes than there are: the only honest end is to close.
      co_return beast::error_code(n == 0 ? EIO : errno, boost::system::generic_category());
    }
    stream.expires_after(timeout);
    auto [ec, written] =
        co_await asio::async_write(stream, asio::buffer(piece.data(), static_cast<std::size_t>(n)),
                                   asio::as_tuple(asio::use_awaitable));
    if (ec) co_return ec;
    offset += static_cast<std::uint64_t>(n);
    left -= static_cast<std::uint64_t>(n);
  }
  co_return beast::error_code{};
}

}  // namespace custos::api::net
