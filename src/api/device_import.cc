#include "api/device_import.h"

#include <algorithm>
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

DeviceImport::~DeviceImport() {
  // The store call in flight refers to this object; let it end first.
  if (in_flight_) in_flight_->results.wait();
}

core::Result<void> DeviceImport::Feed(std::string_view chunk) {
  std::vector<json::ImportRow> rows;
  auto parsed = parser_->Feed(chunk, rows);
  // Rows parsed before a structural error still count in the report.
  auto taken = Take(rows);
  if (!parsed || !taken) {
    (void)Settle();
    return !parsed ? parsed : taken;
  }
  return {};
}

core::Result<void> DeviceImport::Finish() {
  std::vector<json::ImportRow> rows;
  auto parsed = parser_->Finish(rows);
  auto taken = Take(rows);
  if (!parsed || !taken) {
    (void)Settle();
    return !parsed ? parsed : taken;
  }
  if (!batch_.empty()) {
    if (auto ok = StoreBatch(); !ok) return ok;
  }
  return Settle();
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
  if (auto ok = Settle(); !ok) return ok;
  InFlight next;
  next.rows.swap(batch_rows_);
  next.names.swap(batch_names_);
  std::vector<core::Device> devices;
  devices.swap(batch_);
  batch_.reserve(kBatchRows);
  // Numbered from 0 so that each result points back into this batch.
  next.results = std::async(std::launch::async, [this, devices = std::move(devices)]() mutable {
    return registry_.ImportDevices(actor_, std::move(devices), 0, policy_);
  });
  in_flight_ = std::move(next);
  return {};
}

core::Result<void> DeviceImport::Settle() {
  if (!in_flight_) return {};
  InFlight done = std::move(*in_flight_);
  in_flight_.reset();
  auto results = done.results.get();
  if (!results) return tl::unexpected(results.error());
  for (const core::ImportRowResult& r : *results) {
    if (r.row >= done.rows.size()) continue;
    if (r.accepted) {
      ++(r.updated ? updated_ : created_);
    } else if (policy_ == core::ConflictPolicy::kSkip &&
               r.code == core::ErrorCode::kAlreadyExists) {
      ++skipped_;
    } else {
      Reject(done.rows[r.row], done.names[r.row], r.code, r.error);
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
  // Parse-time and store-time rejections arrive out of order; the report lists them by row.
  boost::json::array errors = errors_;
  std::stable_sort(errors.begin(), errors.end(), [](const boost::json::value& a, const boost::json::value& b) {
    return a.as_object().at("row").to_number<std::int64_t>() <
           b.as_object().at("row").to_number<std::int64_t>();
  });
  out["errors"] = std::move(errors);
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
