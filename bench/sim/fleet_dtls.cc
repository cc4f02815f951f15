// DTLS 1.2 PSK devices (coaps): the handshake before the first Register (PSK identity = the
// endpoint name), every CoAP message sealed into and opened from the device's session, and
// a new session after each reboot or outage. One sans-I/O DTLS client holds every session,
// each keyed by a made-up peer that is the device's number, so the per-device cost is the
// session itself.
#include <chrono>

#include "fleet.h"

namespace custos::sim {
namespace {

coap::Peer PeerOf(std::uint32_t d) {
  return coap::Peer::V4({static_cast<std::uint8_t>(d >> 24), static_cast<std::uint8_t>(d >> 16),
                         static_cast<std::uint8_t>(d >> 8), static_cast<std::uint8_t>(d)},
                        1);
}

std::uint32_t DeviceOf(const coap::Peer& peer) {
  return std::uint32_t{peer.address[0]} << 24 | std::uint32_t{peer.address[1]} << 16 |
         std::uint32_t{peer.address[2]} << 8 | peer.address[3];
}

coap::TimePoint At(TimeMs now) { return coap::TimePoint{} + std::chrono::milliseconds(now); }

}  // namespace

void Fleet::StartHandshake(std::uint32_t d, TimeMs now) {
  Device& device = devices_[d];
  auto output = dtls_->Connect(PeerOf(d), EndpointName(d), config_.psk_key, At(now));
  if (!output) {
    ++stats_.handshake_failures;
    device.want_register = false;
    device.phase = Phase::kWaiting;
    device.phase_at = now + 5000 + static_cast<TimeMs>(random_() % 10'000);
    return;
  }
  device.dtls_handshaking = true;
  ++stats_.handshakes;
  HandleDtlsOutput(std::move(*output), now);
}

void Fleet::OnSecureDatagram(std::uint32_t d, std::span<const std::uint8_t> bytes, TimeMs now) {
  HandleDtlsOutput(dtls_->Receive(PeerOf(d), bytes, At(now)), now);
}

void Fleet::HandleDtlsOutput(coap::dtls::Output output, TimeMs now) {
  for (const auto& datagram : output.datagrams) {
    const std::uint32_t d = DeviceOf(datagram.peer);
    if (d >= devices_.size()) continue;
    if (Lost()) {
      ++stats_.lost;
      continue;
    }
    ++stats_.datagrams_out;
    outbox_.Send(d, config_.secure_server, datagram.bytes);
  }
  for (const auto& event : output.events) {
    const std::uint32_t d = DeviceOf(event.peer);
    if (d >= devices_.size()) continue;
    Device& device = devices_[d];
    device.dtls_handshaking = false;
    if (event.kind == coap::dtls::EventKind::kEstablished) {
      device.dtls_ready = true;
      NextExchange(d, now);
    } else {
      // No session, or not any more: register again on a new one a little later.
      ++stats_.handshake_failures;
      device.dtls_ready = false;
      AbandonExchange(d);
      if (device.phase == Phase::kRegistering || device.phase == Phase::kRegistered) {
        device.phase = Phase::kWaiting;
        device.phase_at = now + 5000 + static_cast<TimeMs>(random_() % 10'000);
      }
    }
    Rearm(d);
  }
  for (const auto& plaintext : output.plaintexts) {
    const std::uint32_t d = DeviceOf(plaintext.peer);
    if (d >= devices_.size()) continue;
    OnMessage(d, config_.secure_server, plaintext.bytes, now);
    Rearm(d);
  }
}

void Fleet::SendSecure(std::uint32_t d, std::span<const std::uint8_t> plaintext) {
  if (!devices_[d].dtls_ready) return;  // the retransmission timer covers a confirmable one
  auto sealed = dtls_->Seal(PeerOf(d), plaintext);
  if (!sealed) {
    ++stats_.errors;
    return;
  }
  ++stats_.datagrams_out;
  outbox_.Send(d, config_.secure_server, *sealed);
}

void Fleet::EndSession(std::uint32_t d) {
  Device& device = devices_[d];
  if (dtls_ && (device.dtls_ready || device.dtls_handshaking)) dtls_->Forget(PeerOf(d));
  device.dtls_ready = false;
  device.dtls_handshaking = false;
}

}  // namespace custos::sim
