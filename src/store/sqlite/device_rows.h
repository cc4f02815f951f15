// How a core::Device maps onto the `devices` and `device_labels` tables. Internal to the
// SQLite store; shared by the read paths and the writer's closures.
#pragma once

#include <optional>
#include <vector>
#include <string>
#include <string_view>

#include "core/device.h"
#include "core/error.h"
#include "store/sqlite/connection.h"

namespace custos::store::sqlite {

// The column list that ReadDeviceRow expects, qualified with the alias `d`.
extern const std::string kDeviceColumns;

// The device in the current row of a statement that selected kDeviceColumns first. Labels are
// not included (LoadLabels). kInternal if a stored value is out of range.
core::Result<core::Device> ReadDeviceRow(const Statement& stmt);
core::Result<void> LoadLabels(Connection& db, core::Device& device);
// The labels of a whole page of devices, in one query.
core::Result<void> LoadLabels(Connection& db, std::vector<core::Device>& devices);

// The device with its labels, or nullopt.
core::Result<std::optional<core::Device>> FetchDevice(Connection& db, core::DeviceId id);
core::Result<std::optional<core::Device>> FetchDeviceByName(Connection& db, std::string_view name);

// Inserts the row and its labels, assigning device.id. When the name is already taken nothing
// is written and `*name_taken` is set (the result is still a success).
core::Result<void> InsertDevice(Connection& db, core::Device& device, bool* name_taken);
// Overwrites every column of row `device.id` and replaces its labels. kAlreadyExists if the
// new name belongs to another device.
core::Result<void> OverwriteDevice(Connection& db, const core::Device& device);

// error_codes as stored: a JSON array of integers.
std::string ErrorCodesToJson(const std::vector<int>& codes);
std::optional<std::vector<int>> ErrorCodesFromJson(std::string_view json);

}  // namespace custos::store::sqlite
