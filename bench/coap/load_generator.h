// The CoAP load generator: N simulated endpoints (see EndpointSpace) in a closed loop
// (see ExchangeWindow) against one server, on one thread with epoll and recvmmsg/sendmmsg.
//
// A run has three phases: warm-up, until every endpoint has completed one exchange (so the
// server holds state for all N peers); a measured window of `duration`, whose completed
// exchanges give the rate and the latency histogram; and a drain of at most `drain`, in which
// nothing new is sent and what is still unanswered at its end counts as lost.
//
// The registration storm (Scenario::kRegister) is the warm-up alone: every endpoint sends
// one Register, and the rate is endpoints / the time until the last was answered; the
// latency histogram covers every Register; there is no measured window.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"
#include "wire.h"

namespace custos::coap_bench {

struct LoadOptions {
  std::string server = "127.0.0.1:5683";
  Scenario scenario = Scenario::kGet;
  std::size_t endpoints = 1000;
  std::size_t sockets = 4;
  std::size_t window = 256;
  std::chrono::milliseconds duration{10'000};
  std::chrono::milliseconds warm_up_timeout{60'000};
  std::chrono::milliseconds drain{3'000};
  std::chrono::milliseconds ack_timeout{2'000};
  // When set, the server's VmRSS is read before the warm-up and after it.
  std::optional<pid_t> server_pid;
};

struct LoadReport {
  std::size_t endpoints = 0;
  std::size_t sockets = 0;
  std::size_t window = 0;
  bool warm_up_complete = false;
  std::size_t warmed = 0;  // endpoints that completed an exchange
  double warm_up_s = 0;
  double measured_s = 0;
  std::uint64_t exchanges = 0;  // completed in the measured window
  double requests_per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
  std::uint64_t retransmissions = 0;  // over the whole run
  std::uint64_t gave_up = 0;          // exchanges abandoned after the last retransmission
  std::uint64_t unanswered_at_end = 0;
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_received = 0;
  std::uint64_t unexpected = 0;   // received datagrams that answer none of our requests
  std::uint64_t late = 0;         // answers to an exchange no longer in flight (duplicates)
  std::uint64_t send_errors = 0;  // datagrams the kernel refused (they are retransmitted)
  std::size_t reply_bytes = 0;    // size of the last answer
  bool replies_echoed = false;    // the server sent the requests back unchanged
  std::optional<std::uint64_t> rss_before_kib;
  std::optional<std::uint64_t> rss_after_warm_up_kib;
  std::string error;  // why the run stopped short, when it did

  std::uint64_t lost() const { return gave_up + unanswered_at_end; }
};

// Runs the three phases against `options.server`. Errors: kInvalidArgument for bad options
// (more endpoints than the sockets can name, a bad address); kUnavailable when a socket
// cannot be made. A warm-up that does not finish in time is not an error: the report says
// warm_up_complete = false and why, and has no measured window.
core::Result<LoadReport> RunLoad(const LoadOptions& options);

// The report as one line of JSON (no trailing newline); `server` names the server measured.
std::string ToJson(const LoadReport& report, const std::string& server);

}  // namespace custos::coap_bench
