// The receive path of a Session: the handshake, then application records.
#include <string>

#include "coap/dtls/priority.h"
#include "coap/dtls/record.h"
#include "coap/dtls/session.h"

namespace custos::coap::dtls::detail {
namespace {

// Bounds on the work one datagram can cause, whatever GnuTLS reports: a datagram holds at
// most a few dozen records.
constexpr int kMaxHandshakeRounds = 16;
constexpr int kMaxRecordsPerDatagram = 128;

}  // namespace

Session::Step Session::Drive(std::span<const std::uint8_t> datagram, Output& out) {
  Step step;
  if (!datagram.empty() && !WholeRecords(datagram)) {
    step.dropped = 1;
    return step;
  }
  gnutls_session_t s = session_.get();
  const unsigned discarded_before = gnutls_record_get_discarded(s);
  oversized_ = false;
  pending_ = datagram;
  sink_ = &out;
  if (state_ == State::kHandshaking) {
    RunHandshake(step);
    LearnIdentity();
  }
  if (state_ == State::kEstablished) ReadRecords(step, out);
  pending_ = {};
  sink_ = nullptr;
  step.dropped += gnutls_record_get_discarded(s) - discarded_before;
  if (oversized_) ++step.dropped;
  if (state_ == State::kHandshaking && gnutls_record_get_discarded(s) != discarded_before) {
    discarded_in_handshake_ = true;
  }
  return step;
}

void Session::RunHandshake(Step& step) {
  for (int round = 0; round < kMaxHandshakeRounds; ++round) {
    const int rc = gnutls_handshake(session_.get());
    if (rc == GNUTLS_E_SUCCESS) {
      state_ = State::kEstablished;
      suite_ = NegotiatedSuite(session_.get());
      step.established = true;
      return;
    }
    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) return;
    if (gnutls_error_is_fatal(rc) == 0) {
      // A warning alert or a message out of place: GnuTLS carries on where it was.
      ++step.dropped;
      continue;
    }
    End(rc, step);
    step.ended_in_handshake = true;
    return;
  }
}

void Session::ReadRecords(Step& step, Output& out) {
  gnutls_session_t s = session_.get();
  for (int i = 0; i < kMaxRecordsPerDatagram; ++i) {
    gnutls_packet_t packet = nullptr;
    const ssize_t rc = gnutls_record_recv_packet(s, &packet);
    if (rc > 0 && packet != nullptr) {
      gnutls_datum_t data{};
      gnutls_packet_get(packet, &data, nullptr);
      out.plaintexts.push_back(Plaintext{peer_, {data.data, data.data + data.size}});
      gnutls_packet_deinit(packet);
      continue;
    }
    if (packet != nullptr) gnutls_packet_deinit(packet);
    if (rc == 0) {
      state_ = State::kEnded;
      step.ended = true;
      step.reason = "close_notify from the peer";
      return;
    }
    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) return;
    if (rc == GNUTLS_E_REHANDSHAKE) {
      // Renegotiation is not offered (RFC 7925 §17); say so and keep the session.
      (void)gnutls_alert_send(s, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION);
      ++step.dropped;
      continue;
    }
    if (gnutls_error_is_fatal(static_cast<int>(rc)) == 0) {
      ++step.dropped;
      continue;
    }
    End(static_cast<int>(rc), step);
    return;
  }
}

void Session::End(int error, Step& step) {
  // Tell the peer why, unless it told us (a fatal alert ends the session on both sides).
  // The alert reaches the current call's Output through push.
  if (error != GNUTLS_E_FATAL_ALERT_RECEIVED && error != GNUTLS_E_TIMEDOUT) {
    (void)gnutls_alert_send_appropriate(session_.get(), error);
  }
  state_ = State::kEnded;
  step.ended = true;
  step.timed_out = error == GNUTLS_E_TIMEDOUT;
  step.reason = Reason(error);
}

std::string Session::Reason(int error) const {
  if (!refusal_.empty()) return refusal_;
  if (error == GNUTLS_E_FATAL_ALERT_RECEIVED) {
    const char* name = gnutls_alert_get_name(gnutls_alert_get(session_.get()));
    return std::string("fatal alert from the peer: ") + (name != nullptr ? name : "unknown");
  }
  if (error == GNUTLS_E_TIMEDOUT) return "handshake timed out";
  return gnutls_strerror(error);
}

std::string Session::TimeoutReason() const {
  // RFC 6347 §4.1.2.7: records failing authentication are dropped silently, so a wrong
  // key shows as a Finished that never arrives.
  if (discarded_in_handshake_) {
    return "handshake timed out after records failed authentication (wrong key?)";
  }
  return "handshake timed out";
}

void Session::LearnIdentity() {
  if (!identity_.empty() || config_->server_credentials == nullptr) return;
  gnutls_datum_t name{};
  if (gnutls_psk_server_get_username2(session_.get(), &name) == 0 && name.data != nullptr) {
    identity_.assign(reinterpret_cast<const char*>(name.data), name.size);
  }
}

}  // namespace custos::coap::dtls::detail
