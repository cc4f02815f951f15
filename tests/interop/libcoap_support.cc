#include "libcoap_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <memory>
#include <thread>

namespace custos::coap::testing {
namespace {

// A socket bound to 127.0.0.1:`port` (0: any), or -1; its port in `bound`.
int BindLoopback(std::uint16_t port, std::uint16_t& bound) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return -1;
  }
  bound = ntohs(address.sin_port);
  return fd;
}

}  // namespace

const char* MethodName(Code code) {
  if (code == codes::kGet) return "GET";
  if (code == codes::kPost) return "POST";
  if (code == codes::kPut) return "PUT";
  if (code == codes::kDelete) return "DELETE";
  return "?";
}

std::uint16_t FreePort() {
  std::uint16_t port = 0;
  const int fd = BindLoopback(0, port);
  if (fd >= 0) close(fd);
  return port;
}

std::optional<std::uint16_t> FreePortPair() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::uint16_t first = 0;
    std::uint16_t second = 0;
    const int a = BindLoopback(0, first);
    if (a < 0) continue;
    const int b = first < 65535 ? BindLoopback(first + 1, second) : -1;
    close(a);
    if (b >= 0) {
      close(b);
      return first;
    }
  }
  return std::nullopt;
}

core::Result<Message> Call(Endpoint& endpoint, const Peer& peer, Message request,
                           RequestOptions options, std::chrono::milliseconds wait) {
  auto promise = std::make_shared<std::promise<core::Result<Message>>>();
  auto future = promise->get_future();
  endpoint.Request(peer, std::move(request), std::move(options),
                   [promise](core::Result<Message> result) { promise->set_value(result); });
  if (future.wait_for(wait) != std::future_status::ready) {
    return core::MakeError(core::ErrorCode::kInternal, "the test gave up waiting");
  }
  return future.get();
}

bool PollUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace custos::coap::testing
