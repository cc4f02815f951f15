// The server's MQTT listeners: plain TCP (mqtt.listen) and TLS (mqtts.listen) through
// mqtt::server::Server, the device's connectivity in the registry (online, last seen,
// address, transport, keep-alive) as its connections come and go, and the endpoint's
// counters in /metrics (custos_mqtt_*).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "core/core.h"
#include "metrics/metrics.h"
#include "ops/ops.h"

namespace custos::app {

// What the service works with. Everything must outlive the service.
struct MqttServices {
  core::Store& store;
  core::Registry& registry;
  core::TokenService& tokens;
  core::EventBus& events;
  core::Clock& clock;
  metrics::Registry& metrics;
  // The operations engine, which gets the MQTT deliverer (before the engine starts) and the
  // devices' operation reports; null: reports are only logged and published as events.
  ops::Engine* operations = nullptr;
};

class MqttService {
 public:
  // Starts the listeners the configuration names (none: a service that serves nothing) and
  // registers their metrics. kUnavailable naming the listener when one cannot bind or its
  // certificate or key cannot be loaded.
  static core::Result<std::unique_ptr<MqttService>> Start(const Config& config,
                                                          MqttServices services);
  ~MqttService();
  MqttService(const MqttService&) = delete;
  MqttService& operator=(const MqttService&) = delete;

  // Stops the endpoint (connected devices are told and marked offline) and removes the
  // metrics. Idempotent.
  void Stop();

  // "mqtt://127.0.0.1:1883" and "mqtts://127.0.0.1:8883" for the listeners that run.
  std::vector<std::string> Urls() const;

  class Impl;

 private:
  explicit MqttService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::app
