// DTLS between a worker's socket and its message layer (RFC 7252 §9.1): every datagram
// goes through DtlsSessions, whose plaintexts are CoAP messages as if they had come on
// UDP; every CoAP message goes out sealed in one record. Requests to a peer without a
// session wait for a handshake (ours in the client role, or the device's).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <utility>

#include "coap/transport/worker.h"

namespace custos::coap::transport {

core::Result<void> Worker::OpenDtls() {
  const DtlsSettings& settings = *config_.options.dtls;
  // One session per peer at most, and never more than the DTLS layer's own default.
  const std::size_t max_sessions = std::min<std::size_t>(config_.max_peers, 100'000);
  auto sessions = DtlsSessions::Create(settings, max_sessions);
  if (!sessions) return tl::unexpected(sessions.error());
  dtls_ = std::move(*sessions);
  max_message_ = std::min(config_.options.max_datagram, settings.mtu - kDtlsRecordOverhead);
  assembler_ = MakeAssembler();  // the block size it asks for follows max_message_
  return {};
}

void Worker::ReceiveRecords(const Peer& peer, std::span<const std::uint8_t> bytes, bool truncated) {
  if (truncated) {
    // A cut record cannot be authenticated, let alone answered.
    counters_.Add(Counter::kMalformedDropped);
    return;
  }
  // Any traffic, handshakes included, keeps a known peer from going idle.
  peers_.TouchIfKnown(peer, now_);
  ApplyDtls(dtls_->Receive(peer, bytes, now_));
}

void Worker::ApplyDtls(dtls::Output out) {
  // Counted before any callback runs, so that a callback sees the counters of its event.
  SyncDtlsCounters();
  for (const dtls::Datagram& datagram : out.datagrams) SendRaw(datagram.peer, datagram.bytes);
  for (const dtls::Event& event : out.events) OnDtlsEvent(event);
  for (const dtls::Plaintext& plaintext : out.plaintexts) {
    HandlePlaintext(plaintext.peer, plaintext.bytes);
  }
}

void Worker::OnDtlsEvent(const dtls::Event& event) {
  const Peer& peer = event.peer;
  switch (event.kind) {
    case dtls::EventKind::kEstablished:
      spdlog::debug("coap: DTLS session with {} established for \"{}\"", ToString(peer),
                    event.identity);
      // An established session is state kept for the peer: it counts against max_peers
      // and goes with the peer when it is idle.
      if (!AdmitPeer(peer)) {
        spdlog::warn("coap: DTLS session with {} closed: too many peers (max_peers)",
                     ToString(peer));
        ApplyDtls(dtls_->Close(peer));
        FailAwaitingHandshake(peer, core::Error{core::ErrorCode::kUnavailable,
                                                "too many peers (max_peers)", std::nullopt});
        return;
      }
      ResumeAfterHandshake(peer);
      return;
    case dtls::EventKind::kHandshakeFailed:
      spdlog::info("coap: DTLS handshake with {} (\"{}\") failed: {}", ToString(peer),
                   event.identity, event.reason);
      FailAwaitingHandshake(
          peer, core::Error{core::ErrorCode::kUnavailable,
                            "DTLS handshake with " + ToString(peer) + " failed: " + event.reason,
                            std::nullopt});
      return;
    case dtls::EventKind::kClosed:
      spdlog::debug("coap: DTLS session with {} (\"{}\") closed: {}", ToString(peer),
                    event.identity, event.reason);
      return;
  }
}

bool Worker::EnsureSession(OutgoingRequest& request) {
  if (!dtls_) return true;
  const Peer peer = request.peer;
  const DtlsSessions::State state = dtls_->StateOf(peer);
  if (state == DtlsSessions::State::kEstablished) return true;

  auto& waiting = awaiting_handshake_[peer];
  if (waiting.size() >= config_.options.max_queued_requests) {
    Deliver(request.done, core::MakeError(core::ErrorCode::kUnavailable,
                                          "too many requests waiting for " + ToString(peer)));
    return false;
  }
  if (state == DtlsSessions::State::kNone) {
    auto hello = dtls_->Connect(peer, now_);
    if (!hello) {
      if (waiting.empty()) awaiting_handshake_.erase(peer);
      Deliver(request.done, tl::unexpected(hello.error()));
      return false;
    }
    waiting.push_back(std::move(request));
    ApplyDtls(std::move(*hello));
    return false;
  }
  waiting.push_back(std::move(request));
  return false;
}

void Worker::ResumeAfterHandshake(const Peer& peer) {
  auto it = awaiting_handshake_.find(peer);
  if (it == awaiting_handshake_.end()) return;
  std::vector<OutgoingRequest> requests = std::move(it->second);
  awaiting_handshake_.erase(it);
  for (OutgoingRequest& request : requests) StartRequest(std::move(request));
}

void Worker::FailAwaitingHandshake(const Peer& peer, const core::Error& error) {
  auto it = awaiting_handshake_.find(peer);
  if (it == awaiting_handshake_.end()) return;
  std::vector<OutgoingRequest> requests = std::move(it->second);
  awaiting_handshake_.erase(it);
  for (OutgoingRequest& request : requests) Deliver(request.done, tl::unexpected(error));
}

void Worker::CloseSessionsOf(const std::string& identity) {
  for (const Peer& peer : dtls_->PeersOf(identity)) {
    spdlog::info("coap: closing the DTLS session with {} (\"{}\")", ToString(peer), identity);
    ApplyDtls(dtls_->Close(peer));
  }
}

void Worker::SyncDtlsCounters() {
  if (!dtls_) return;
  const dtls::Stats stats = dtls_->stats();
  counters_.Set(Counter::kDtlsHandshakes, stats.handshakes);
  counters_.Set(Counter::kDtlsHandshakeFailures, stats.handshake_failures);
  counters_.Set(Counter::kDtlsCookiesSent, stats.cookies_sent);
  counters_.Set(Counter::kDtlsRecordsDropped, stats.records_dropped);
  counters_.Set(Counter::kDtlsSessions, dtls_->sessions());
}

std::string Worker::IdentityOf(const Peer& peer) const {
  if (!dtls_) return {};
  const std::string* identity = dtls_->Identity(peer);
  return identity == nullptr ? std::string() : *identity;
}

}  // namespace custos::coap::transport
