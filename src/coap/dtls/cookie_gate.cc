#include "coap/dtls/cookie_gate.h"

#include <array>
#include <cstdint>
#include <string>

namespace custos::coap::dtls::detail {
namespace {

// The HMAC input: what identifies the address a reply goes to.
struct ClientData {
  std::array<std::uint8_t, 19> bytes{};
  std::size_t size = 0;
};

ClientData AddressOf(const Peer& peer) {
  ClientData data;
  for (std::size_t i = 0; i < peer.address_size && i < peer.address.size(); ++i) {
    data.bytes[data.size++] = peer.address[i];
  }
  data.bytes[data.size++] = static_cast<std::uint8_t>(peer.port >> 8);
  data.bytes[data.size++] = static_cast<std::uint8_t>(peer.port & 0xff);
  data.bytes[data.size++] = peer.address_size;
  return data;
}

struct PushTarget {
  Output* out;
  const Peer* peer;
};

ssize_t PushRequest(gnutls_transport_ptr_t context, const void* data, size_t size) noexcept {
  auto* target = static_cast<PushTarget*>(context);
  try {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    target->out->datagrams.push_back(Datagram{*target->peer, {bytes, bytes + size}});
    return static_cast<ssize_t>(size);
  } catch (...) {
    return -1;
  }
}

core::Result<SecretDatum> NewKey() {
  SecretDatum key;
  const int rc = gnutls_key_generate(key.get(), GNUTLS_COOKIE_KEY_SIZE);
  if (rc < 0) {
    return core::MakeError(core::ErrorCode::kInternal,
                           std::string("DTLS cookie key: ") + gnutls_strerror(rc));
  }
  return key;
}

}  // namespace

core::Result<CookieGate> CookieGate::Create(std::chrono::seconds key_lifetime) {
  auto key = NewKey();
  if (!key) return tl::unexpected(key.error());
  CookieGate gate(key_lifetime);
  gate.current_ = std::move(*key);
  return gate;
}

bool CookieGate::Verify(const Peer& peer, const ClientHelloRecord& hello,
                        gnutls_dtls_prestate_st& prestate) {
  ClientData client = AddressOf(peer);
  // GnuTLS reads the record through a non-const pointer but does not write to it.
  auto* record = const_cast<std::uint8_t*>(hello.record.data());
  for (SecretDatum* key : {&current_, &previous_}) {
    if (key->empty()) continue;
    prestate = {};
    if (gnutls_dtls_cookie_verify(key->get(), client.bytes.data(), client.size, record,
                                  hello.record.size(), &prestate) == 0) {
      return true;
    }
  }
  return false;
}

bool CookieGate::SendRequest(const Peer& peer, const ClientHelloRecord& hello, Output& out) {
  ClientData client = AddressOf(peer);
  // RFC 6347 §4.2.1: the HelloVerifyRequest repeats the ClientHello's record sequence.
  gnutls_dtls_prestate_st prestate{};
  prestate.record_seq = hello.record_sequence_low;
  PushTarget target{&out, &peer};
  return gnutls_dtls_cookie_send(current_.get(), client.bytes.data(), client.size, &prestate,
                                 &target, PushRequest) > 0;
}

void CookieGate::Rotate(TimePoint now) {
  if (!next_rotation_) {
    next_rotation_ = now + key_lifetime_;
    return;
  }
  if (now < *next_rotation_) return;
  next_rotation_ = now + key_lifetime_;
  auto key = NewKey();
  if (!key) return;  // keep the current key rather than lose the gate
  previous_ = std::move(current_);
  current_ = std::move(*key);
}

}  // namespace custos::coap::dtls::detail
