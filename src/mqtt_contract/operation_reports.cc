// Operation progress and results until the operations engine takes them: a log line and an
// operation.progress event.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "mqtt_contract/contract.h"

namespace custos::mqtt_contract {

void EventBusOperationReports::OnOperationReport(const core::OperationReport& report) {
  namespace json = boost::json;
  spdlog::info("mqtt: device {}: operation {} {}", report.device_name, report.operation_id,
               report.state);
  json::object data;
  data["name"] = report.device_name;
  data["operation_id"] = report.operation_id;
  data["final"] = report.final;
  data["state"] = report.state;
  boost::system::error_code ec;
  json::value payload = json::parse(report.payload_json, ec);
  data["report"] = ec ? json::value(json::object()) : std::move(payload);
  core::Event e;
  e.type = "operation.progress";
  e.device_id = report.device_id;
  e.data_json = json::serialize(data);
  events_.Publish(std::move(e));
}

}  // namespace custos::mqtt_contract
