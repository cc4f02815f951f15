#include "coap/transport/counters.h"

namespace custos::coap::transport {

void AddTo(const Counters& c, EndpointStats& stats) {
  stats.datagrams_received += c.Get(Counter::kDatagramsReceived);
  stats.datagrams_sent += c.Get(Counter::kDatagramsSent);
  stats.malformed_dropped += c.Get(Counter::kMalformedDropped);
  stats.resets_sent += c.Get(Counter::kResetsSent);
  stats.bad_option_responses += c.Get(Counter::kBadOptionResponses);
  stats.too_large_responses += c.Get(Counter::kTooLargeResponses);
  stats.duplicates += c.Get(Counter::kDuplicates);
  stats.stray_acks += c.Get(Counter::kStrayAcks);
  stats.retransmissions += c.Get(Counter::kRetransmissions);
  stats.transmit_timeouts += c.Get(Counter::kTransmitTimeouts);
  stats.response_timeouts += c.Get(Counter::kResponseTimeouts);
  stats.unexpected_responses += c.Get(Counter::kUnexpectedResponses);
  stats.peers += c.Get(Counter::kPeers);
  stats.peers_evicted += c.Get(Counter::kPeersEvicted);
  stats.peers_refused += c.Get(Counter::kPeersRefused);
  stats.send_failures += c.Get(Counter::kSendFailures);
  stats.dtls_handshakes += c.Get(Counter::kDtlsHandshakes);
  stats.dtls_handshake_failures += c.Get(Counter::kDtlsHandshakeFailures);
  stats.dtls_cookies_sent += c.Get(Counter::kDtlsCookiesSent);
  stats.dtls_records_dropped += c.Get(Counter::kDtlsRecordsDropped);
  stats.dtls_sessions += c.Get(Counter::kDtlsSessions);
}

}  // namespace custos::coap::transport
