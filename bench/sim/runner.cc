#include "runner.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <deque>
#include <vector>

namespace custos::sim {
namespace {

TimeMs MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A datagram held back by the configured delay; with one delay for all, a FIFO is in time
// order.
struct Delayed {
  TimeMs due;
  std::uint32_t device;
  Address peer;
  std::vector<std::uint8_t> bytes;
};

class SocketOutbox : public Outbox {
 public:
  SocketOutbox(SimSockets& sockets, std::uint32_t delay_ms) : sockets_(sockets), delay_(delay_ms) {}
  void Send(std::uint32_t device, Address to, std::span<const std::uint8_t> bytes) override {
    if (delay_ == 0) {
      sockets_.Send(device, to, bytes);
      return;
    }
    held_.push_back(Delayed{now_ + delay_, device, to, {bytes.begin(), bytes.end()}});
  }
  void set_now(TimeMs now) { now_ = now; }
  // Sends what is due; returns the next due time or kNever.
  TimeMs Release(TimeMs now) {
    while (!held_.empty() && held_.front().due <= now) {
      sockets_.Send(held_.front().device, held_.front().peer, held_.front().bytes);
      held_.pop_front();
    }
    return held_.empty() ? kNever : held_.front().due;
  }

 private:
  SimSockets& sockets_;
  TimeMs delay_;
  TimeMs now_ = 0;
  std::deque<Delayed> held_;
};

}  // namespace

core::Result<RunResult> RunLwm2m(const Lwm2mConfig& config, const RunOptions& options,
                                 const std::atomic<bool>& stop) {
  std::size_t socket_count = options.sockets;
  if (socket_count == 0)
    socket_count = std::max<std::size_t>(1, (config.devices + 15'999) / 16'000);
  coap_bench::EndpointSpace space(socket_count);
  auto sockets = SimSockets::Open(space, config.devices);
  if (!sockets) return tl::unexpected(sockets.error());
  SocketOutbox outbox(**sockets, options.delay_ms);
  const auto rss_before = coap_bench::ReadVmRssKib(getpid());
  Fleet fleet(config, outbox);

  const TimeMs start = MonotonicMs();
  const TimeMs end =
      options.duration_s > 0 ? start + static_cast<TimeMs>(options.duration_s * 1000) : kNever;
  const TimeMs report_every =
      options.report_every_s > 0 ? static_cast<TimeMs>(options.report_every_s * 1000) : kNever;
  TimeMs next_report = report_every == kNever ? kNever : start + report_every;
  outbox.set_now(start);
  fleet.Start(start);
  const auto rss_after = coap_bench::ReadVmRssKib(getpid());
  double measured = 0;
  if (rss_before && rss_after && config.devices > 0) {
    measured = static_cast<double>(*rss_after - *rss_before) * 1024 / config.devices;
  }

  std::deque<Delayed> inbound;  // received, held back by the delay
  std::array<epoll_event, 16> events{};
  while (!stop.load()) {
    TimeMs now = MonotonicMs();
    if (now >= end) break;
    outbox.set_now(now);
    fleet.RunDue(now);
    while (!inbound.empty() && inbound.front().due <= now) {
      fleet.OnDatagram(inbound.front().device, inbound.front().peer, inbound.front().bytes, now);
      inbound.pop_front();
    }
    const TimeMs next_out = outbox.Release(now);
    (*sockets)->Flush();
    if (now >= next_report) {
      if (options.on_line) {
        options.on_line(FormatLine(fleet.Stats(), static_cast<double>(now - start) / 1000));
      }
      next_report += report_every;
    }
    TimeMs wake = std::min({fleet.NextDeadline(), next_out, next_report, end,
                            inbound.empty() ? kNever : inbound.front().due});
    // Wake at least every 200 ms so that a stop request is seen soon.
    const int timeout = static_cast<int>(std::clamp<TimeMs>(wake - now, 0, 200));
    const int n =
        epoll_wait((*sockets)->epoll_fd(), events.data(), static_cast<int>(events.size()), timeout);
    now = MonotonicMs();
    outbox.set_now(now);
    for (int i = 0; i < n; ++i) {
      const std::size_t index = events[static_cast<std::size_t>(i)].data.u64;
      // Bounded per wake-up, so that timers keep running under a flood.
      for (int batches = 0; batches < 16; ++batches) {
        auto received = (*sockets)->Receive(index);
        if (received.empty()) break;
        for (const Incoming& datagram : received) {
          if (options.delay_ms > 0) {
            inbound.push_back(Delayed{now + options.delay_ms,
                                      datagram.endpoint,
                                      datagram.source,
                                      {datagram.bytes.begin(), datagram.bytes.end()}});
          } else {
            fleet.OnDatagram(datagram.endpoint, datagram.source, datagram.bytes, now);
          }
        }
      }
    }
    (*sockets)->Flush();
  }
  RunResult result;
  result.stats = fleet.Stats();
  result.elapsed_s = static_cast<double>(MonotonicMs() - start) / 1000;
  result.bytes_per_device = Fleet::BytesPerDevice();
  result.measured_bytes_per_device = measured;
  result.send_errors = (*sockets)->send_errors();
  return result;
}

}  // namespace custos::sim
