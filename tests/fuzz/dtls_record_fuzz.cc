// Feeds a DTLS server arbitrary datagrams from a few peers, as the UDP endpoint would. The
// input is a list of operations: one opcode byte, one length byte, then that many bytes.
//   opcode % 4 == 0  the bytes as a datagram from peer (opcode / 4) % 3;
//   opcode % 4 == 1  the same, and when the server answers with a HelloVerifyRequest, its
//                    cookie is spliced into the bytes and they are sent again, so that
//                    fuzzed ClientHellos get past the cookie and into GnuTLS's parser;
//   opcode % 4 == 2  a genuine client completes a handshake from that peer (if none is
//                    open), then the bytes go in as a sealed record, and once more with
//                    one byte of the record flipped;
//   opcode % 4 == 3  time moves on by the first byte in seconds and the server ticks.
// Whatever happens, the server must not crash, leak or break its own invariants.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "coap/dtls/dtls.h"

namespace {

namespace dtls = custos::coap::dtls;
using custos::coap::Peer;
using custos::coap::TimePoint;

const Peer kPeers[3] = {
    Peer::V4({10, 0, 0, 1}, 5000), Peer::V4({10, 0, 0, 2}, 5001),
    Peer::V6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 5002)};
const Peer kServer = Peer::V4({10, 0, 0, 100}, 5684);
const std::vector<std::uint8_t> kKey = {'f', 'u', 'z', 'z', '-', 'k', 'e', 'y'};

constexpr std::size_t kSessionIdLengthOffset = 13 + 12 + 2 + 32;

void CheckOutput(const dtls::Output& out, std::size_t mtu) {
  for (const auto& datagram : out.datagrams) {
    if (datagram.bytes.empty() || datagram.bytes.size() > mtu) std::abort();
  }
}

// A ClientHello carrying `cookie`, built from `hello` with its lengths made consistent.
std::vector<std::uint8_t> WithCookie(const std::vector<std::uint8_t>& hello,
                                     std::span<const std::uint8_t> cookie) {
  if (hello.size() <= kSessionIdLengthOffset) return hello;
  const std::size_t cookie_length_at = kSessionIdLengthOffset + 1 + hello[kSessionIdLengthOffset];
  if (hello.size() <= cookie_length_at) return hello;
  const std::size_t rest = std::min(hello.size(), cookie_length_at + 1 + hello[cookie_length_at]);
  std::vector<std::uint8_t> out(hello.begin(), hello.begin() + cookie_length_at);
  out.push_back(static_cast<std::uint8_t>(cookie.size()));
  out.insert(out.end(), cookie.begin(), cookie.end());
  out.insert(out.end(), hello.begin() + rest, hello.end());
  const std::size_t record = out.size() - 13;
  const std::size_t body = out.size() - 25;
  out[11] = static_cast<std::uint8_t>(record >> 8);
  out[12] = static_cast<std::uint8_t>(record);
  for (std::size_t at : {14u, 22u}) {
    out[at] = static_cast<std::uint8_t>(body >> 16);
    out[at + 1] = static_cast<std::uint8_t>(body >> 8);
    out[at + 2] = static_cast<std::uint8_t>(body);
  }
  return out;
}

// Runs a genuine handshake for `peer` through `client`; false if it did not complete.
bool Handshake(dtls::Server& server, dtls::Client& client, const Peer& peer, TimePoint now) {
  client.Forget(kServer);
  auto hello = client.Connect(kServer, "fuzz", kKey, now);
  if (!hello) return false;
  std::vector<std::vector<std::uint8_t>> to_server;
  for (auto& d : hello->datagrams) to_server.push_back(std::move(d.bytes));
  for (int round = 0; round < 16 && !to_server.empty(); ++round) {
    std::vector<std::vector<std::uint8_t>> to_client;
    for (const auto& bytes : to_server) {
      for (auto& d : server.Receive(peer, bytes, now).datagrams) {
        to_client.push_back(std::move(d.bytes));
      }
    }
    to_server.clear();
    for (const auto& bytes : to_client) {
      for (auto& d : client.Receive(kServer, bytes, now).datagrams) {
        to_server.push_back(std::move(d.bytes));
      }
    }
  }
  return client.Established(kServer);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  dtls::ServerOptions options;
  options.psk_lookup = [](std::string_view identity) -> std::optional<std::vector<std::uint8_t>> {
    if (identity == "fuzz") return kKey;
    return std::nullopt;
  };
  options.max_sessions = 2;
  auto server = dtls::Server::Create(std::move(options));
  auto client = dtls::Client::Create();
  if (!server || !client) std::abort();
  int sealed = -1;  // the peer whose address our client's session runs from
  TimePoint now = TimePoint{} + std::chrono::hours(1);

  std::size_t at = 0;
  while (at + 2 <= size) {
    const std::uint8_t opcode = data[at];
    const std::size_t length = std::min<std::size_t>(data[at + 1], size - at - 2);
    const std::vector<std::uint8_t> bytes(data + at + 2, data + at + 2 + length);
    at += 2 + length;
    const int index = (opcode / 4) % 3;
    const Peer& peer = kPeers[index];

    switch (opcode % 4) {
      case 0:
        CheckOutput((*server)->Receive(peer, bytes, now), 1280);
        break;
      case 1: {
        const dtls::Output out = (*server)->Receive(peer, bytes, now);
        CheckOutput(out, 1280);
        if (out.datagrams.size() == 1 && out.datagrams[0].bytes.size() == 13 + 12 + 3 + 16 &&
            out.datagrams[0].bytes[13] == 3) {
          const auto& request = out.datagrams[0].bytes;
          const std::span<const std::uint8_t> cookie(request.data() + 28, request[27]);
          CheckOutput((*server)->Receive(peer, WithCookie(bytes, cookie), now), 1280);
        }
        break;
      }
      case 2: {
        if (sealed != index || (*server)->Identity(peer) == nullptr) {
          sealed = Handshake(**server, **client, peer, now) ? index : -1;
          if (sealed == index && (*server)->Identity(peer) == nullptr) std::abort();
        }
        if (sealed != index || bytes.empty()) break;
        auto record = (*client)->Seal(kServer, bytes);
        if (!record) break;
        const dtls::Output out = (*server)->Receive(peer, *record, now);
        if (out.plaintexts.size() != 1 || out.plaintexts[0].bytes != bytes) std::abort();
        auto flipped = *record;
        flipped[bytes[0] % flipped.size()] ^= static_cast<std::uint8_t>(bytes.size() | 1);
        // A changed record, like a replayed one, must never be accepted.
        if (!(*server)->Receive(peer, flipped, now).plaintexts.empty()) std::abort();
        break;
      }
      case 3:
        now += std::chrono::seconds(bytes.empty() ? 1 : bytes[0]);
        CheckOutput((*server)->Tick(now), 1280);
        break;
    }
    if ((*server)->sessions() > 2) std::abort();
  }
  return 0;
}
