// Sustained QoS 1 publishing of reported state.
#include <algorithm>

#include "load_generator_impl.h"
#include "payloads.h"

namespace custos::mqtt_bench {

void LoadGenerator::Impl::QueueReport(std::size_t index) {
  Client& client = clients_[index];
  mqtt::Publish publish;
  publish.qos = mqtt::QoS::kAtLeastOnce;
  publish.topic = ReportedStateTopic(devices_[index].name);
  publish.packet_id = client.NextPacketId();
  const std::string text = ReportedState(sequence_++, payload_size_).value_or("");
  publish.payload.assign(text.begin(), text.end());
  client.unacked.emplace_back(publish.packet_id, Clock::now());
  ++client.published;
  Queue(index, publish);
}

PublishResult LoadGenerator::Impl::PublishQos1(std::size_t clients, int messages, int inflight,
                                               std::size_t payload_size) {
  PublishResult result;
  clients = std::min(clients, devices_.size());
  result.clients = clients;
  result.messages_per_client = messages;
  payload_size_ = payload_size;
  if (!ReportedState(0, payload_size)) {
    result.error = "publish: a reported-state document needs at least " +
                   std::to_string(kMinReportedStateSize) + " bytes";
    return result;
  }
  std::uint16_t receive_maximum = 65535;
  for (std::size_t i = 0; i < clients; ++i) {
    if (clients_[i].state != Client::State::kReady) {
      result.error = "publish: device " + devices_[i].name + " is not connected";
      return result;
    }
    receive_maximum = std::min(receive_maximum, clients_[i].receive_maximum);
  }
  inflight_ = std::clamp(inflight, 1, static_cast<int>(receive_maximum));
  result.inflight = inflight_;
  messages_ = messages;
  phase_ = Phase::kPublish;
  finished_ = failed_ = refused_ = 0;
  first_error_.clear();
  latency_ = LatencySamples();
  const auto start = Clock::now();
  last_done_ = start;
  for (std::size_t i = 0; i < clients; ++i) {
    Client& client = clients_[i];
    client.published = client.acked = 0;
    client.unacked.clear();
    for (int k = 0; k < std::min(inflight_, messages); ++k) QueueReport(i);
    Flush(i);
  }
  const bool complete = RunUntil([&] { return finished_ + failed_ >= clients; });
  phase_ = Phase::kNone;

  for (std::size_t i = 0; i < clients; ++i) result.acked += clients_[i].acked;
  result.refused = refused_;
  result.seconds = SecondsBetween(start, last_done_);
  result.per_s = result.seconds > 0 ? static_cast<double>(result.acked) / result.seconds : 0;
  result.latency = std::move(latency_);
  if (!complete) {
    result.error = "publish: " + std::to_string(result.acked) + " of " +
                   std::to_string(clients * static_cast<std::size_t>(messages)) +
                   " messages acknowledged before the deadline";
  } else if (failed_ > 0 || refused_ > 0) {
    result.error = "publish: " + std::to_string(failed_) + " devices failed, " +
                   std::to_string(refused_) + " messages refused, first " + first_error_;
  }
  return result;
}

}  // namespace custos::mqtt_bench
