#include "load_generator.h"

#include <sys/epoll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "endpoint_sockets.h"
#include "endpoint_space.h"
#include "exchange_window.h"
#include "host_port.h"
#include "latency_histogram.h"
#include "process_rss.h"
#include "wire.h"

namespace custos::coap_bench {
namespace {

// How often the retransmission timers are looked at: their resolution.
constexpr auto kTick = std::chrono::milliseconds(20);

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Micros(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1000.0; }

core::Result<void> CheckOptions(const LoadOptions& options, const EndpointSpace& space) {
  if (options.endpoints == 0 || options.window == 0 || options.sockets == 0) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "endpoints, sockets and window must be at least 1");
  }
  if (options.endpoints > space.Capacity()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           std::to_string(options.sockets) + " sockets name at most " +
                               std::to_string(space.Capacity()) + " endpoints");
  }
  return {};
}

// One run: the state shared by the phases.
class Run {
 public:
  Run(const LoadOptions& options, EndpointSockets& sockets)
      : options_(options),
        space_(options.sockets),
        sockets_(sockets),
        window_(options.endpoints, options.window,
                RetransmitPolicy{options.ack_timeout, RetransmitPolicy{}.max_retransmit}) {
    sends_.reserve(options.window);
  }

  LoadReport Execute() {
    report_.endpoints = options_.endpoints;
    report_.sockets = options_.sockets;
    report_.window = options_.window;
    if (options_.server_pid) report_.rss_before_kib = ReadVmRssKib(*options_.server_pid);

    const Clock::time_point start = Clock::now();
    window_.SetMode(ExchangeWindow::Mode::kWarmUp);
    if (!Loop(start + options_.warm_up_timeout,
              [&] { return window_.warmed() == options_.endpoints; })) {
      report_.warmed = window_.warmed();
      report_.warm_up_s = Seconds(Clock::now() - start);
      report_.error = "warm-up: " + std::to_string(window_.warmed()) + " of " +
                      std::to_string(options_.endpoints) + " endpoints answered within " +
                      std::to_string(options_.warm_up_timeout.count() / 1000) + " s";
      Finish();
      return report_;
    }
    const Clock::time_point measure_start = Clock::now();
    report_.warm_up_complete = true;
    report_.warmed = window_.warmed();
    report_.warm_up_s = Seconds(measure_start - start);
    if (options_.server_pid) report_.rss_after_warm_up_kib = ReadVmRssKib(*options_.server_pid);
    if (registering()) {
      // The storm was the warm-up: every endpoint registered once.
      report_.measured_s = report_.warm_up_s;
      report_.exchanges = histogram_.count();
      report_.requests_per_s = static_cast<double>(report_.warmed) / report_.warm_up_s;
      report_.p50_us = Micros(histogram_.Percentile(0.50));
      report_.p99_us = Micros(histogram_.Percentile(0.99));
      report_.max_us = Micros(histogram_.max());
      window_.SetMode(ExchangeWindow::Mode::kDrain);
      Loop(measure_start + options_.drain, [&] { return window_.in_flight() == 0; });
      Finish();
      return report_;
    }

    window_.SetMode(ExchangeWindow::Mode::kMeasure);
    measuring_ = true;
    Loop(measure_start + options_.duration, [] { return false; });
    measuring_ = false;
    const Clock::time_point measure_end = Clock::now();
    report_.measured_s = Seconds(measure_end - measure_start);
    report_.exchanges = histogram_.count();
    report_.requests_per_s = static_cast<double>(histogram_.count()) / report_.measured_s;
    report_.p50_us = Micros(histogram_.Percentile(0.50));
    report_.p99_us = Micros(histogram_.Percentile(0.99));
    report_.max_us = Micros(histogram_.max());

    window_.SetMode(ExchangeWindow::Mode::kDrain);
    Loop(measure_end + options_.drain, [&] { return window_.in_flight() == 0; });
    Finish();
    return report_;
  }

 private:
  void Finish() {
    report_.unanswered_at_end = window_.in_flight();
    report_.retransmissions = window_.retransmissions();
    report_.gave_up = window_.gave_up();
    report_.datagrams_sent = sockets_.sent();
    report_.send_errors = sockets_.send_errors();
  }

  void SendAll() {
    for (const Send& send : sends_) sockets_.Queue(send);
    sends_.clear();
    sockets_.Flush();
  }

  void Absorb(std::span<const Datagram> datagrams, std::size_t socket, Clock::time_point now) {
    for (const Datagram& datagram : datagrams) {
      ++report_.datagrams_received;
      const auto reply =
          datagram.from_server ? ParseReply(datagram.bytes, options_.scenario) : std::nullopt;
      const auto endpoint = space_.EndpointAt(socket, datagram.destination, options_.endpoints);
      if (!reply || !endpoint || *endpoint != reply->endpoint) {
        ++report_.unexpected;
        continue;
      }
      std::uint16_t message_id = reply->message_id;
      if (reply->separate) {
        // Acknowledged (again, if it is a retransmission), and matched by its token.
        sends_.push_back(Send{*endpoint, reply->message_id, false, true});
        message_id = window_.InFlightMessageId(*endpoint).value_or(0);
        if (!window_.InFlightMessageId(*endpoint)) {
          ++report_.late;
          continue;
        }
      }
      const auto latency = window_.Complete(*endpoint, message_id, now);
      if (!latency) {
        ++report_.late;
        continue;
      }
      report_.reply_bytes = datagram.bytes.size();
      report_.replies_echoed = reply->echoed;
      if (measuring_ || registering()) histogram_.Record(*latency);
    }
  }

  // Runs the loop until `done()` or `deadline`; returns whether `done()` ended it.
  template <class Done>
  bool Loop(Clock::time_point deadline, Done done) {
    std::array<epoll_event, 16> events{};
    Clock::time_point next_tick = Clock::now() + kTick;
    window_.Refill(Clock::now(), sends_);
    SendAll();
    while (true) {
      Clock::time_point now = Clock::now();
      if (done()) return true;
      if (now >= deadline) return false;
      if (now >= next_tick) {
        window_.Expire(now, sends_);
        window_.Refill(now, sends_);  // endpoints freed by giving up
        SendAll();
        next_tick = now + kTick;
      }
      const auto wait = std::min(next_tick, deadline) - now;
      const int timeout_ms =
          static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count());
      const int n = epoll_wait(sockets_.epoll_fd(), events.data(), static_cast<int>(events.size()),
                               std::max(timeout_ms, 0));
      for (int i = 0; i < n; ++i) {
        const auto socket = static_cast<std::size_t>(events[static_cast<std::size_t>(i)].data.u64);
        while (true) {
          const auto datagrams = sockets_.Receive(socket);
          if (datagrams.empty()) break;
          now = Clock::now();
          Absorb(datagrams, socket, now);
          window_.Refill(now, sends_);
          SendAll();
          if (datagrams.size() < EndpointSockets::kBatch) break;
        }
      }
    }
  }

  bool registering() const { return options_.scenario == Scenario::kRegister; }

  const LoadOptions& options_;
  EndpointSpace space_;
  EndpointSockets& sockets_;
  ExchangeWindow window_;
  LatencyHistogram histogram_;
  std::vector<Send> sends_;
  LoadReport report_;
  bool measuring_ = false;
};

}  // namespace

core::Result<LoadReport> RunLoad(const LoadOptions& options) {
  const EndpointSpace space(std::max<std::size_t>(options.sockets, 1));
  if (auto checked = CheckOptions(options, space); !checked) {
    return tl::unexpected(checked.error());
  }
  const auto server = ParseHostPort(options.server);
  if (!server) return tl::unexpected(server.error());
  auto sockets = EndpointSockets::Open(space, *server, options.scenario);
  if (!sockets) return tl::unexpected(sockets.error());
  Run run(options, **sockets);
  return run.Execute();
}

}  // namespace custos::coap_bench
