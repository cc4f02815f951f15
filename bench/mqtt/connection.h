// One client's TCP connection to the broker: a non-blocking socket, the codec's client-side
// framer, and the bytes not yet taken by the socket. Single-threaded: the load generator's
// event loop drives it.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "mqtt/mqtt.h"

namespace custos::mqtt_bench {

class Connection {
 public:
  // Starts a non-blocking connect to `server` from `source` (the port is the kernel's choice
  // at connect time, IP_BIND_ADDRESS_NO_PORT, so that ports are shared per destination).
  // kUnavailable with errno's text if the socket cannot be made, bound or started.
  static core::Result<Connection> Start(const sockaddr_in& server, in_addr source,
                                        mqtt::Version version);
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  int fd() const { return fd_; }

  // Once the socket is writable after Start: whether the TCP handshake succeeded.
  core::Result<void> FinishConnect();

  // Encodes `packet` behind what is already waiting (Flush sends it).
  void Queue(const mqtt::Packet& packet);
  // Writes what is waiting; kUnavailable when the socket fails.
  core::Result<void> Flush();
  // Whether bytes wait for the socket (the loop should then watch for writability).
  bool wants_write() const { return out_offset_ < out_.size(); }

  // Reads everything the socket has and appends the whole packets to `packets`. kUnavailable
  // when the peer closed or the socket failed, kInvalidArgument when the broker's bytes are
  // refused by the codec; packets decoded before either are still appended.
  core::Result<void> Receive(std::vector<mqtt::Packet>& packets);

  void Close();

 private:
  Connection(int fd, mqtt::Version version);

  int fd_ = -1;
  mqtt::Framer framer_;
  mqtt::Bytes out_;
  std::size_t out_offset_ = 0;
};

}  // namespace custos::mqtt_bench
