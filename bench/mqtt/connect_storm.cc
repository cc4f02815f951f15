// The connect storm and the responder's connection.
#include "load_generator_impl.h"
#include "payloads.h"

namespace custos::mqtt_bench {

ConnectResult LoadGenerator::Impl::ConnectStorm(std::size_t count) {
  count = std::min(count, devices_.size());
  phase_ = Phase::kConnect;
  in_progress_ = finished_ = failed_ = 0;
  first_error_.clear();
  latency_ = LatencySamples();
  const auto start = Clock::now();
  last_done_ = start;
  std::size_t next = 0;
  const bool complete = RunUntil([&] {
    while (next < count && in_progress_ < options_.connect_window) {
      if (StartConnect(next)) {
        ++in_progress_;
      } else {
        ++failed_;
        ++finished_;
      }
      ++next;
    }
    return finished_ == count;
  });
  phase_ = Phase::kNone;

  ConnectResult result;
  result.attempted = count;
  result.connected = finished_ - failed_;
  result.seconds = SecondsBetween(start, last_done_);
  result.per_s = result.seconds > 0 ? static_cast<double>(result.connected) / result.seconds : 0;
  result.latency = std::move(latency_);
  if (!complete) {
    result.error = "connect storm: " + std::to_string(finished_) + " of " + std::to_string(count) +
                   " devices done before the deadline";
  } else if (failed_ > 0) {
    result.error =
        "connect storm: " + std::to_string(failed_) + " devices failed, first " + first_error_;
  }
  return result;
}

core::Result<void> LoadGenerator::Impl::StartResponder(const Device& responder) {
  responder_ = responder;
  const std::size_t index = devices_.size();
  first_error_.clear();
  if (!StartConnect(index)) return core::MakeError(core::ErrorCode::kUnavailable, first_error_);
  Client& client = clients_[index];
  const bool connected = RunUntil([&] {
    return client.state == Client::State::kReady || client.state == Client::State::kFailed;
  });
  if (!connected || client.state != Client::State::kReady) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           "responder: " + (first_error_.empty() ? "no CONNACK" : first_error_));
  }
  mqtt::Subscribe subscribe;
  subscribe.packet_id = client.NextPacketId();
  mqtt::Subscription all;
  all.filter = std::string(kAllRequestsFilter);
  all.max_qos = mqtt::QoS::kAtLeastOnce;
  subscribe.subscriptions.push_back(all);
  Queue(index, subscribe);
  Flush(index);
  const bool subscribed =
      RunUntil([&] { return client.subscribed || client.state == Client::State::kFailed; });
  if (!subscribed || !client.subscribed) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           "responder: " + (first_error_.empty() ? "no SUBACK" : first_error_));
  }
  return {};
}

}  // namespace custos::mqtt_bench
