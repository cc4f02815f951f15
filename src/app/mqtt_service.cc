#include "app/mqtt_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <unordered_map>

#include "mqtt/server/server.h"
#include "mqtt_contract/contract.h"

namespace custos::app {
namespace {

namespace ms = mqtt::server;

// How often a device's messages refresh its last-seen time in the fleet state, at most.
constexpr core::TimeMs kLastSeenResolutionMs = 1000;

std::string Bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

ms::ServerOptions EndpointOptions(const Config& config) {
  ms::ServerOptions o;
  o.plain_enabled = config.mqtt_listen.has_value();
  if (config.mqtt_listen) {
    o.host = config.mqtt_listen->host;
    o.port = config.mqtt_listen->port;
  }
  if (config.mqtts_listen) {
    o.tls.enabled = true;
    o.tls.host = config.mqtts_listen->host;
    o.tls.port = config.mqtts_listen->port;
    o.tls.cert_file = config.mqtt_tls_certificate;
    o.tls.key_file = config.mqtt_tls_private_key;
    o.tls.client_ca_file = config.mqtt_tls_client_ca;
  }
  o.io_threads = config.mqtt_io_threads;
  o.max_connect_rate = config.mqtt_max_connect_rate;
  o.max_packet_size = config.mqtt_max_packet_size;
  return o;
}

}  // namespace

// The device side of the endpoint: connections make a device online or offline and messages
// refresh its last-seen time (the registry's connectivity); then the device-management
// contract takes each call.
class MqttService::Impl final : public ms::DeviceHandler {
 public:
  explicit Impl(MqttServices services)
      : services_(services),
        operations_(services.operations == nullptr
                        ? nullptr
                        : std::make_unique<mqtt_contract::OperationDelivery>(
                              mqtt_contract::ContractServices{services.store, services.registry,
                                                              services.events, services.clock},
                              *services.operations)),
        contract_(mqtt_contract::ContractServices{services.store, services.registry,
                                                  services.events, services.clock,
                                                  operations_.get()}) {}

  void OnConnect(const ms::ConnectInfo& info) override {
    core::Connectivity c;
    c.online = true;
    c.last_seen = services_.clock.Now();
    c.address = info.address;
    c.transport = info.transport;
    c.lifetime_s = info.keep_alive_s;
    services_.registry.ReportConnectivity(info.device_id, c);
    {
      std::lock_guard lock(mu_);
      live_[info.device_id] = c;
    }
    core::DeviceReport protocol;
    protocol.protocol = "mqtt";
    if (auto r = services_.registry.ReportDevice(info.device_id, protocol); !r) {
      spdlog::warn("mqtt: device {}: cannot record its protocol: {}", info.device_name,
                   r.error().message);
    }
    contract_.OnConnect(info);
    if (operations_) operations_->OnDeviceConnected(info.device_id);
  }

  void OnDisconnect(const ms::DisconnectInfo& info) override {
    contract_.OnDisconnect(info);
    // A take-over leaves the device online on its newer connection.
    if (info.taken_over) return;
    core::Connectivity c;
    {
      std::lock_guard lock(mu_);
      auto it = live_.find(info.device_id);
      if (it != live_.end()) {
        c = it->second;
        live_.erase(it);
      }
    }
    c.online = false;
    c.last_seen = services_.clock.Now();
    services_.registry.ReportConnectivity(info.device_id, c);
  }

  mqtt::ReasonCode OnPublish(const ms::Sender& sender, const ms::Message& message) override {
    Touch(sender.device_id);
    if (operations_) operations_->OnDevicePublished(sender.device_id);
    return contract_.OnPublish(sender, message);
  }

  void OnPublishAsync(const ms::Sender& sender, const ms::Message& message,
                      PublishDone done) override {
    Touch(sender.device_id);
    if (operations_) operations_->OnDevicePublished(sender.device_id);
    contract_.OnPublishAsync(sender, message, std::move(done));
  }

  MqttServices services_;
  std::unique_ptr<mqtt_contract::OperationDelivery> operations_;  // before contract_, its user
  mqtt_contract::DeviceContract contract_;
  std::unique_ptr<ms::Server> server_;
  std::string host_;
  std::string tls_host_;
  bool stopped_ = false;

 private:
  void Touch(core::DeviceId id) {
    const core::TimeMs now = services_.clock.Now();
    core::Connectivity c;
    {
      std::lock_guard lock(mu_);
      auto it = live_.find(id);
      if (it == live_.end() || now - it->second.last_seen < kLastSeenResolutionMs) return;
      it->second.last_seen = now;
      c = it->second;
    }
    services_.registry.ReportConnectivity(id, c);
  }

  std::mutex mu_;
  std::unordered_map<core::DeviceId, core::Connectivity> live_;
};

namespace {

constexpr const char* kMetricNames[] = {"custos_mqtt_connections",
                                        "custos_mqtt_sessions",
                                        "custos_mqtt_sockets_total",
                                        "custos_mqtt_tls_handshake_failures_total",
                                        "custos_mqtt_connects_total",
                                        "custos_mqtt_takeovers_total",
                                        "custos_mqtt_packets_total",
                                        "custos_mqtt_bytes_total",
                                        "custos_mqtt_publishes_total",
                                        "custos_mqtt_refused_total",
                                        "custos_mqtt_closed_total",
                                        "custos_mqtt_dropped_total",
                                        "custos_mqtt_wills_published_total",
                                        "custos_mqtt_device_messages_total",
                                        "custos_mqtt_desired_deliveries_total",
                                        "custos_mqtt_replies_total"};

void RegisterContractMetrics(metrics::Registry& m, const mqtt_contract::DeviceContract& contract) {
  using mqtt_contract::TopicKind;
  const auto kCounter = metrics::MetricType::kCounter;
  m.AddCallback("custos_mqtt_device_messages_total",
                "Messages from devices by contract topic, and whether they were taken (accepted), "
                "refused as malformed (not JSON, wrong shape) or refused otherwise.",
                kCounter, {"kind", "result"}, [&contract] {
                  auto counters = contract.counters();
                  std::vector<metrics::Sample> samples;
                  for (TopicKind kind :
                       {TopicKind::kIdentity, TopicKind::kReported, TopicKind::kTelemetry,
                        TopicKind::kLogs, TopicKind::kOperationProgress,
                        TopicKind::kOperationResult, TopicKind::kRequest, TopicKind::kUnknown}) {
                    const auto& c = counters.messages[kind];
                    const char* k = mqtt_contract::ToString(kind);
                    samples.push_back({{k, "accepted"}, double(c.accepted)});
                    samples.push_back({{k, "malformed"}, double(c.malformed)});
                    samples.push_back({{k, "refused"}, double(c.refused)});
                  }
                  return samples;
                });
  m.AddCallback("custos_mqtt_desired_deliveries_total",
                "Desired states handed to a device's connection or session: at once, or after "
                "waiting for the device to subscribe.",
                kCounter, {"when"}, [&contract] {
                  auto c = contract.counters();
                  return std::vector<metrics::Sample>{
                      {{"immediate"}, double(c.desired_sent - c.desired_retried)},
                      {{"after_subscribe"}, double(c.desired_retried)}};
                });
  m.AddCallbackCounter("custos_mqtt_replies_total", "Replies to device requests.",
                       [&contract] { return double(contract.counters().replies_sent); });
}

void RegisterMetrics(metrics::Registry& m, ms::Server& server) {
  using metrics::Sample;
  const auto kCounter = metrics::MetricType::kCounter;
  auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  m.AddCallbackGauge("custos_mqtt_connections", "Open MQTT connections (devices and operators).",
                     [&server, d] { return d(server.stats().connections_open); });
  m.AddCallbackGauge("custos_mqtt_sessions", "MQTT sessions kept, connected or not.",
                     [&server, d] { return d(server.stats().sessions); });
  m.AddCallback("custos_mqtt_sockets_total", "Sockets accepted, and refused at max_connections.",
                kCounter, {"result"}, [&server, d] {
                  auto s = server.stats();
                  return std::vector<Sample>{{{"accepted"}, d(s.sockets_accepted)},
                                             {{"refused"}, d(s.sockets_refused)}};
                });
  m.AddCallbackCounter("custos_mqtt_tls_handshake_failures_total", "Failed TLS handshakes.",
                       [&server, d] { return d(server.stats().tls_handshake_failures); });
  m.AddCallback("custos_mqtt_connects_total", "CONNECTs, by result.", kCounter, {"result"},
                [&server, d] {
                  auto s = server.stats();
                  return std::vector<Sample>{{{"accepted"}, d(s.connects_accepted)},
                                             {{"bad_credentials"}, d(s.connects_bad_credentials)},
                                             {{"not_authorized"}, d(s.connects_not_authorized)},
                                             {{"bad_client_id"}, d(s.connects_bad_client_id)},
                                             {{"rate_limited"}, d(s.connects_rate_limited)},
                                             {{"malformed"}, d(s.connects_malformed)},
                                             {{"timed_out"}, d(s.connects_timed_out)}};
                });
  m.AddCallbackCounter("custos_mqtt_takeovers_total",
                       "Sessions whose connection was replaced by a newer one.",
                       [&server, d] { return d(server.stats().takeovers); });
  auto in_out = [&server, d](std::uint64_t ms::Stats::*in, std::uint64_t ms::Stats::*out) {
    return [&server, d, in, out] {
      auto s = server.stats();
      return std::vector<Sample>{{{"in"}, d(s.*in)}, {{"out"}, d(s.*out)}};
    };
  };
  m.AddCallback("custos_mqtt_packets_total", "MQTT packets, by direction.", kCounter, {"direction"},
                in_out(&ms::Stats::packets_in, &ms::Stats::packets_out));
  m.AddCallback("custos_mqtt_bytes_total", "Bytes on MQTT connections, by direction.", kCounter,
                {"direction"}, in_out(&ms::Stats::bytes_in, &ms::Stats::bytes_out));
  m.AddCallback("custos_mqtt_publishes_total",
                "PUBLISH packets: accepted from devices (wills included), and written to them "
                "(redeliveries included).",
                kCounter, {"direction"},
                in_out(&ms::Stats::publishes_in, &ms::Stats::publishes_out));
  m.AddCallback("custos_mqtt_refused_total",
                "Publishes and subscription filters refused (outside the sender's namespace).",
                kCounter, {"kind"}, [&server, d] {
                  auto s = server.stats();
                  return std::vector<Sample>{{{"publish"}, d(s.publishes_refused)},
                                             {{"subscribe"}, d(s.subscribes_refused)}};
                });
  m.AddCallback("custos_mqtt_closed_total", "Connections closed by the server, by reason.",
                kCounter, {"reason"}, [&server, d] {
                  auto s = server.stats();
                  return std::vector<Sample>{{{"protocol_error"}, d(s.protocol_errors)},
                                             {{"keep_alive"}, d(s.keep_alive_timeouts)},
                                             {{"slow_consumer"}, d(s.slow_consumers)},
                                             {{"lifecycle"}, d(s.kicked)}};
                });
  m.AddCallback("custos_mqtt_dropped_total", "Messages to devices dropped, by reason.", kCounter,
                {"reason"}, [&server, d] {
                  auto s = server.stats();
                  return std::vector<Sample>{{{"queue_full"}, d(s.queue_dropped)},
                                             {{"expired"}, d(s.expired_dropped)},
                                             {{"too_large"}, d(s.too_large_dropped)}};
                });
  m.AddCallbackCounter("custos_mqtt_wills_published_total", "Wills published for devices.",
                       [&server, d] { return d(server.stats().wills_published); });
}

}  // namespace

core::Result<std::unique_ptr<MqttService>> MqttService::Start(const Config& config,
                                                              MqttServices services) {
  auto impl = std::make_unique<Impl>(services);
  if (services.operations != nullptr) services.operations->AddDeliverer(*impl->operations_);
  if (!config.mqtt_listen && !config.mqtts_listen) {
    impl->stopped_ = true;
    return std::unique_ptr<MqttService>(new MqttService(std::move(impl)));
  }
  ms::Services endpoint{services.store, services.registry, services.tokens, services.events,
                        services.clock};
  auto server = ms::Server::Start(EndpointOptions(config), endpoint, impl.get());
  if (!server) {
    return core::MakeError(server.error().code, fmt::format("mqtt: {}", server.error().message));
  }
  impl->server_ = std::move(*server);
  impl->contract_.Start([s = impl->server_.get()](core::DeviceId id, ms::Message message) {
    return s->Publish(id, std::move(message));
  });
  if (impl->operations_) {
    impl->operations_->SetPublisher([s = impl->server_.get()](core::DeviceId id,
                                                              ms::Message message) {
      return s->Publish(id, std::move(message));
    });
  }
  if (config.mqtt_listen) impl->host_ = Bracketed(config.mqtt_listen->host);
  if (config.mqtts_listen) impl->tls_host_ = Bracketed(config.mqtts_listen->host);
  RegisterMetrics(services.metrics, *impl->server_);
  RegisterContractMetrics(services.metrics, impl->contract_);
  return std::unique_ptr<MqttService>(new MqttService(std::move(impl)));
}

MqttService::MqttService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MqttService::~MqttService() { Stop(); }

void MqttService::Stop() {
  if (impl_->stopped_) return;
  impl_->stopped_ = true;
  for (const char* name : kMetricNames) impl_->services_.metrics.Remove(name);
  // The contract's delivery thread publishes through the endpoint: it stops first.
  impl_->contract_.Stop();
  impl_->server_->Stop();
}

std::vector<std::string> MqttService::Urls() const {
  std::vector<std::string> urls;
  if (!impl_->server_) return urls;
  if (impl_->server_->port() != 0) {
    urls.push_back(fmt::format("mqtt://{}:{}", impl_->host_, impl_->server_->port()));
  }
  if (impl_->server_->tls_port() != 0) {
    urls.push_back(fmt::format("mqtts://{}:{}", impl_->tls_host_, impl_->server_->tls_port()));
  }
  return urls;
}

}  // namespace custos::app
