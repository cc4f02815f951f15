// A firmware image as the store keeps it: what was uploaded (name, version, the device models
// it fits), its size and SHA-256, and where its bytes lie under the data directory. The bytes
// themselves are never in the store: the firmware module writes and reads the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"

namespace custos::core {

using FirmwareId = std::int64_t;

struct FirmwareImage {
  FirmwareId id = 0;                // assigned by the store, never handed out again
  std::string name;                 // free text, e.g. "pump-controller"
  std::string version;              // e.g. "2.4.1"
  std::uint64_t size = 0;           // bytes
  std::string sha256;               // 64 lower-case hex digits; unique: one image per content
  std::vector<std::string> models;  // device models it is meant for; empty: any
  std::string file;                 // relative to the data directory, e.g. "firmware/<sha256>"
  std::string uploaded_by;          // the operator's token name
  TimeMs created_at = 0;
};

}  // namespace custos::core
