// A Server and a Client joined by an in-memory wire: what one sends is handed to the
// other, at fixed TimePoints, until neither has anything more to say.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "coap/dtls/dtls.h"

namespace custos::coap::dtls::testing {

inline std::vector<std::uint8_t> Bytes(std::string_view text) { return {text.begin(), text.end()}; }

inline const Peer kServerPeer = Peer::V4({192, 0, 2, 1}, 5684);
inline const Peer kClientPeer = Peer::V4({198, 51, 100, 7}, 40001);

// The key table a server looks identities up in.
inline PskLookup Lookup(std::map<std::string, std::vector<std::uint8_t>> keys) {
  return [keys = std::move(keys)](
             std::string_view identity) -> std::optional<std::vector<std::uint8_t>> {
    auto it = keys.find(std::string(identity));
    if (it == keys.end()) return std::nullopt;
    return it->second;
  };
}

inline ServerOptions DefaultServerOptions() {
  ServerOptions options;
  options.psk_lookup = Lookup({{"device-1", Bytes("secret-key-1")}, {"device-2", Bytes("k2")}});
  return options;
}

struct Wire {
  explicit Wire(ServerOptions server_options = DefaultServerOptions(),
                ClientOptions client_options = {}) {
    auto s = Server::Create(std::move(server_options));
    EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
    if (s) server = std::move(*s);
    auto c = Client::Create(std::move(client_options));
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
    if (c) client = std::move(*c);
  }

  // Delivers `from_client` to the server and every answer back and forth, each datagram
  // once, until none is left. Returns how many datagrams crossed.
  int Exchange(Output from_client, const Peer& client_peer = kClientPeer) {
    Collect(from_client, client_events, client_plaintexts);
    std::vector<Datagram> to_server = std::move(from_client.datagrams);
    std::vector<Datagram> to_client;
    int crossed = 0;
    for (int round = 0; round < 64 && (!to_server.empty() || !to_client.empty()); ++round) {
      for (auto& datagram : to_server) {
        ++crossed;
        EXPECT_EQ(datagram.peer, kServerPeer);
        Output out = server->Receive(client_peer, datagram.bytes, now);
        for (auto& d : out.datagrams) EXPECT_EQ(d.peer, client_peer);
        Collect(out, server_events, server_plaintexts);
        for (auto& d : out.datagrams) to_client.push_back(std::move(d));
      }
      to_server.clear();
      for (auto& datagram : to_client) {
        ++crossed;
        Output out = client->Receive(kServerPeer, datagram.bytes, now);
        Collect(out, client_events, client_plaintexts);
        for (auto& d : out.datagrams) to_server.push_back(std::move(d));
      }
      to_client.clear();
    }
    return crossed;
  }

  // Connects with `identity` and `key` and runs the handshake to its end.
  void Handshake(std::string_view identity, std::string_view key,
                 const Peer& client_peer = kClientPeer) {
    const auto key_bytes = Bytes(key);
    auto hello = client->Connect(kServerPeer, identity, key_bytes, now);
    ASSERT_TRUE(hello.has_value()) << hello.error().message;
    Exchange(std::move(*hello), client_peer);
  }

  static void Collect(Output& out, std::vector<Event>& events, std::vector<Plaintext>& plaintexts) {
    for (auto& e : out.events) events.push_back(std::move(e));
    for (auto& p : out.plaintexts) plaintexts.push_back(std::move(p));
  }

  std::unique_ptr<Server> server;
  std::unique_ptr<Client> client;
  TimePoint now = TimePoint{} + std::chrono::hours(1);
  std::vector<Event> server_events, client_events;
  std::vector<Plaintext> server_plaintexts, client_plaintexts;
};

}  // namespace custos::coap::dtls::testing
