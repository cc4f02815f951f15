#include "api/device_import.h"

#include <boost/json.hpp>

#include "api/error_response.h"

namespace custos::api {

core::Result<core::ConflictPolicy> ParseConflictPolicy(const Request& req) {
  const std::string* text = req.Query("on_conflict");
  if (text == nullptr || *text == "fail") return core::ConflictPolicy::kFail;
  if (*text == "skip") return core::ConflictPolicy::kSkip;
  if (*text == "update") return core::ConflictPolicy::kUpdate;
  return core::MakeError(core::ErrorCode::kInvalidArgument,
                         "on_conflict: expected fail, skip or update");
}

DeviceImport::DeviceImport(core::Registry& registry, core::Actor actor, json::ImportFormat format,
                           core::ConflictPolicy policy)
    : registry_(registry),
      actor_(std::move(actor)),
      policy_(policy),
      parser_(json::ImportParser::Create(format)) {
  batch_.reserve(kBatchRows);
}

DeviceImport::~DeviceImport() = default;

core::Result<void> DeviceImport::Feed(std::string_view chunk) {
  std::vector<json::ImportRow> rows;
  auto parsed = parser_->Feed(chunk, rows);
  // Rows parsed before a structural error still count in the report.
  auto taken = Take(rows);
  if (!parsed) return parsed;
  return taken;
}

core::Result<void> DeviceImport::Finish() {
  std::vector<json::ImportRow> rows;
  auto parsed = parser_->Finish(rows);
  auto taken = Take(rows);
  if (!parsed) return parsed;
  if (!taken) return taken;
  return batch_.empty() ? core::Result<void>() : StoreBatch();
}

core::Result<void> DeviceImport::Take(std::vector<json::ImportRow>& rows) {
  for (json::ImportRow& row : rows) {
    ++total_;
    if (!row.device) {
      Reject(row.row, std::move(row.name), row.error.code, std::move(row.error.message));
      continue;
    }
    batch_.push_back(std::move(*row.device));
    batch_rows_.push_back(row.row);
    batch_names_.push_back(std::move(row.name));
    if (batch_.size() >= kBatchRows) {
      if (auto ok = StoreBatch(); !ok) return ok;
    }
  }
  return {};
}

core::Result<void> DeviceImport::StoreBatch() {
  std::vector<core::Device> devices;
  devices.swap(batch_);
  batch_.reserve(kBatchRows);
  std::vector<std::size_t> rows;
  rows.swap(batch_rows_);
  std::vector<std::string> names;
  names.swap(batch_names_);
  // Numbered from 0 so that each result points back into this batch.
  auto results = registry_.ImportDevices(actor_, std::move(devices), 0, policy_);
  if (!results) return tl::unexpected(results.error());
  for (const core::ImportRowResult& r : *results) {
    if (r.row >= rows.size()) continue;
    if (r.accepted) {
      ++(r.updated ? updated_ : created_);
    } else if (policy_ == core::ConflictPolicy::kSkip &&
               r.code == core::ErrorCode::kAlreadyExists) {
      ++skipped_;
    } else {
      Reject(rows[r.row], names[r.row], r.code, r.error);
    }
  }
  return {};
}

void DeviceImport::Reject(std::size_t row, std::string name, core::ErrorCode code,
                          std::string message) {
  ++rejected_;
  if (errors_.size() >= kMaxListedErrors) {
    errors_truncated_ = true;
    return;
  }
  boost::json::object e;
  e["row"] = row;
  e["name"] = name;
  e["code"] = core::ToString(code);
  e["message"] = message;
  errors_.emplace_back(std::move(e));
}

boost::json::object DeviceImport::Report() const {
  boost::json::object out;
  out["total"] = total_;
  out["accepted"] = created_ + updated_;
  out["created"] = created_;
  out["updated"] = updated_;
  out["skipped"] = skipped_;
  out["rejected"] = rejected_;
  out["errors"] = errors_;
  out["errors_truncated"] = errors_truncated_;
  return out;
}

Response DeviceImport::FailureResponse(core::Error error) const {
  const std::size_t stored = created_ + updated_;
  error.message += "; " + std::to_string(stored) + (stored == 1 ? " row was" : " rows were") +
                   " stored before this point";
  return ErrorResponse(error);
}

}  // namespace custos::api
