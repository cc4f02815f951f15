// custos_http_latency: sends the same GET request N times, one at a time over one keep-alive
// connection, and prints the latency distribution as JSON:
//   {"n": 200, "p50_ms": 1.2, "p99_ms": 3.4, "max_ms": 5.0, "status": 200, "bytes": 1234}
// Usage: custos_http_latency HOST PORT TARGET TOKEN N
#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s HOST PORT TARGET TOKEN N\n", argv[0]);
    return 2;
  }
  const std::string host = argv[1];
  const auto port = static_cast<unsigned short>(std::stoi(argv[2]));
  const std::string target = argv[3];
  const std::string token = argv[4];
  const int n = std::stoi(argv[5]);

  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port));
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(n));
  int status = 0;
  std::size_t bytes = 0;
  for (int i = 0; i < n; ++i) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, host);
    req.set(http::field::authorization, "Bearer " + token);
    auto start = std::chrono::steady_clock::now();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    http::read(stream, buffer, parser);
    auto end = std::chrono::steady_clock::now();
    status = static_cast<int>(parser.get().result_int());
    bytes = parser.get().body().size();
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    auto idx = static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1) + 0.5);
    return ms[std::min(idx, ms.size() - 1)];
  };
  std::printf("{\"n\": %d, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, "
              "\"status\": %d, \"bytes\": %zu}\n",
              n, pct(0.50), pct(0.99), ms.back(), status, bytes);
  return status == 200 ? 0 : 1;
}
