// Request/reply round trips, one request outstanding per device.
#include <algorithm>

#include "load_generator_impl.h"
#include "payloads.h"

namespace custos::mqtt_bench {

void LoadGenerator::Impl::QueueRequest(std::size_t index) {
  Client& client = clients_[index];
  client.awaited_rid = "r" + std::to_string(++request_counter_);
  mqtt::Publish publish;
  publish.qos = mqtt::QoS::kAtLeastOnce;
  publish.topic = RequestTopic(devices_[index].name, client.awaited_rid);
  publish.packet_id = client.NextPacketId();
  const std::string text = TimeRequest();
  publish.payload.assign(text.begin(), text.end());
  client.request_sent = Clock::now();
  Queue(index, publish);
}

RoundTripResult LoadGenerator::Impl::RoundTrip(std::size_t clients, int requests) {
  RoundTripResult result;
  clients = std::min(clients, devices_.size());
  result.clients = clients;
  result.requests_per_client = requests;
  for (std::size_t i = 0; i < clients; ++i) {
    if (clients_[i].state != Client::State::kReady) {
      result.error = "round trip: device " + devices_[i].name + " is not connected";
      return result;
    }
  }
  // Subscriptions first, untimed.
  failed_ = 0;
  first_error_.clear();
  for (std::size_t i = 0; i < clients; ++i) {
    Client& client = clients_[i];
    client.subscribed = false;
    mqtt::Subscribe subscribe;
    subscribe.packet_id = client.NextPacketId();
    mqtt::Subscription replies;
    replies.filter = RepliesFilter(devices_[i].name);
    replies.max_qos = mqtt::QoS::kAtLeastOnce;
    subscribe.subscriptions.push_back(replies);
    Queue(i, subscribe);
    Flush(i);
  }
  const bool subscribed = RunUntil([&] {
    return failed_ > 0 || std::all_of(clients_.begin(), clients_.begin() + clients,
                                      [](const Client& c) { return c.subscribed; });
  });
  if (!subscribed || failed_ > 0) {
    result.error = "round trip: subscribing to replies failed: " +
                   (first_error_.empty() ? std::string("no SUBACK") : first_error_);
    return result;
  }

  messages_ = requests;
  phase_ = Phase::kRoundTrip;
  finished_ = 0;
  latency_ = LatencySamples();
  const auto start = Clock::now();
  last_done_ = start;
  for (std::size_t i = 0; i < clients; ++i) {
    clients_[i].answered = 0;
    QueueRequest(i);
    Flush(i);
  }
  const bool complete = RunUntil([&] { return finished_ + failed_ >= clients; });
  phase_ = Phase::kNone;

  for (std::size_t i = 0; i < clients; ++i) {
    result.completed += clients_[i].answered;
    clients_[i].awaited_rid.clear();
  }
  result.seconds = SecondsBetween(start, last_done_);
  result.latency = std::move(latency_);
  if (!complete) {
    result.error = "round trip: " + std::to_string(result.completed) + " of " +
                   std::to_string(clients * static_cast<std::size_t>(requests)) +
                   " replies before the deadline";
  } else if (failed_ > 0) {
    result.error =
        "round trip: " + std::to_string(failed_) + " devices failed, first " + first_error_;
  }
  return result;
}

}  // namespace custos::mqtt_bench
