// The ceiling of the CoAP benchmark: a UDP server that sends every datagram back unchanged
// to where it came from, doing nothing a CoAP server could skip. `threads` threads, each
// with its own socket on the same port (SO_REUSEPORT), each moving batches with
// recvmmsg/sendmmsg.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/error.h"

namespace custos::coap_bench {

struct EchoOptions {
  std::string listen = "127.0.0.1:0";  // port 0 picks a free port
  std::size_t threads = 2;
};

class UdpEcho {
 public:
  // Binds and starts the threads. kInvalidArgument for a bad address or no threads,
  // kUnavailable when the address cannot be bound.
  static core::Result<std::unique_ptr<UdpEcho>> Start(const EchoOptions& options);
  virtual ~UdpEcho() = default;  // stops

  // Stops and joins the threads. Idempotent.
  virtual void Stop() = 0;
  virtual std::uint16_t port() const = 0;
  // Datagrams sent back so far, summed over threads.
  virtual std::uint64_t echoed() const = 0;
};

}  // namespace custos::coap_bench
