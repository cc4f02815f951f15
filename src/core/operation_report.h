// What a device says about an operation it was sent: progress on the way, and its result.
// Protocol adapters hand these to an OperationReportSink; the operations engine implements
// that interface (until it exists, the adapters log the reports and publish them as
// operation.progress events).
#pragma once

#include <string>

#include "core/device.h"

namespace custos::core {

struct OperationReport {
  DeviceId device_id = 0;
  std::string device_name;
  std::string operation_id;         // as the device was given it
  bool final = false;               // a result (succeeded, failed, rejected), not progress
  std::string state;                // "in_progress", "succeeded", "failed", "rejected"
  std::string payload_json = "{}";  // the device's report, a JSON object
};

class OperationReportSink {
 public:
  virtual ~OperationReportSink() = default;
  // Called on a protocol adapter's worker thread, in the order the device sent its reports;
  // must not block for long and must not throw.
  virtual void OnOperationReport(const OperationReport& report) = 0;
};

}  // namespace custos::core
