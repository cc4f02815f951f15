// The configuration of the MQTT endpoint: listeners, TLS, and the limits that protect the
// server from misbehaving or too many devices. Part of the front door (mqtt/server/server.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace custos::mqtt::server {

// The TLS listener (MQTT over TLS, usually port 8883).
struct TlsOptions {
  bool enabled = false;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8883;  // 0: any free port
  std::string cert_file;      // PEM: the server's certificate, then its chain
  std::string key_file;       // PEM: the server's private key
  // PEM CA certificates a client certificate must chain to. Empty: any client certificate
  // is taken, and a device is authenticated by the certificate's SHA-256 fingerprint alone
  // (an "x509" credential), which pins it; the handshake proves the key is the device's.
  std::string client_ca_file;
  // Refuse the handshake of a client without a certificate (no password logins over TLS).
  bool require_client_certificate = false;
};

struct ServerOptions {
  // The plain TCP listener (usually port 1883).
  bool plain_enabled = true;
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;  // 0: any free port
  TlsOptions tls;

  int io_threads = 2;      // threads running the sockets
  // Threads running authentication and the DeviceHandler. A message the handler stores
  // asynchronously (DeviceHandler::OnPublishAsync: reported state) holds no thread while its
  // commit is awaited, so this is sized for the blocking calls left: authentication (SQLite
  // reads) and the handler's synchronous paths (telemetry, logs, requests).
  int worker_threads = 8;

  // The largest packet accepted from a client, announced to v5 clients in CONNACK; a larger
  // one ends the connection (v5 DISCONNECT 0x95 Packet too large).
  std::uint32_t max_packet_size = 256 * 1024;
  // CONNECTs admitted per second, all listeners together (a token bucket); beyond it a
  // client is refused (v5 0x9F Connection rate exceeded, 3.1.1 return code 3). 0: no limit.
  double max_connect_rate = 1000;
  // How many CONNECTs may arrive at once after a quiet period; 0: one second's worth.
  double connect_burst = 0;
  // Open connections, all listeners together; beyond it a new socket is closed at once.
  // 0: no limit (the process's open-file limit remains).
  std::size_t max_connections = 0;
  // A client must send its CONNECT within this time of the TCP (or TLS) connection.
  int connect_timeout_ms = 5000;
  // Largest Keep Alive granted; a larger one (or 0) is lowered to this and a v5 client is
  // told so with Server Keep Alive. 0: the client's value is taken as it is.
  std::uint16_t max_keep_alive_s = 0;
  // The longest Session Expiry Interval granted to a v5 client; 3.1.1 persistent sessions
  // (Clean Session 0) get this too.
  std::uint32_t max_session_expiry_s = 7 * 24 * 3600;
  // Messages a session keeps for its device beyond the in-flight window (while offline, or
  // while the window is full); beyond it the oldest is dropped and counted.
  std::size_t max_queued_messages = 1000;
  // QoS 1 messages sent to a device and not yet acknowledged, at most (the device's Receive
  // Maximum lowers it).
  std::uint16_t max_inflight = 32;
  // Messages from a device handed to the handler and not yet answered (QoS 1: not yet
  // acknowledged), at most; announced to v5 clients as the server's Receive Maximum. At the
  // bound the connection reads nothing more until an answer comes: a slow store pushes back
  // on the devices instead of queueing without bound (at most this many per connection).
  std::uint16_t max_inflight_in = 32;
  // Bytes written to a connection and not yet taken by the socket; beyond it the device is
  // a slow consumer and its connection is closed.
  std::size_t max_outbound_bytes = 1 << 20;
  // Topic Alias Maximum announced to v5 clients (aliases from client to server).
  std::uint16_t topic_alias_maximum = 16;
  // The user name operators log in with; the password is an operator token's secret.
  std::string operator_username = "operator";
  // How often keep-alives, CONNECT deadlines, delayed wills and expired sessions are checked.
  int sweep_interval_ms = 250;
  // Stop() waits this long for connections to close after telling them.
  int shutdown_grace_ms = 5000;
};

}  // namespace custos::mqtt::server
