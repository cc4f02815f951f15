// The streaming device import (docs/api.md "Import"), without sockets: the connection feeds
// body chunks as they arrive; rows are parsed by json::ImportParser and stored through the
// registry in batches. One batch is being stored while the next is parsed, so reading and
// parsing overlap the store's commits; memory stays at two batches whatever the size of the
// body. Internal to the api module.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <future>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/message.h"
#include "core/core.h"
#include "json/json.h"

namespace custos::api {

// `on_conflict`: fail (default), skip or update.
core::Result<core::ConflictPolicy> ParseConflictPolicy(const Request& req);

class DeviceImport {
 public:
  // Rows per store transaction. Each transaction rewrites the index pages its rows touch,
  // so larger batches cost less per row: 10,000 take a fifth less CPU per row than 2,000.
  static constexpr std::size_t kBatchRows = 10000;
  static constexpr std::size_t kMaxListedErrors = 1000;

  DeviceImport(core::Registry& registry, core::Actor actor, json::ImportFormat format,
               core::ConflictPolicy policy);
  ~DeviceImport();

  // Parses a chunk of the body and stores every full batch. An error ends the import: the
  // body cannot be read further or the store failed.
  core::Result<void> Feed(std::string_view chunk);
  // The body has ended: parses what is left and stores the last batch.
  core::Result<void> Finish();

  // The report: {"total", "accepted", "created", "updated", "skipped", "rejected", "errors",
  // "errors_truncated"}.
  boost::json::object Report() const;
  // The answer to an import that stopped on `error`; its message says how many rows were
  // stored before that point, since they stay stored.
  Response FailureResponse(core::Error error) const;

  std::size_t total() const { return total_; }

 private:
  core::Result<void> Take(std::vector<json::ImportRow>& rows);
  // Hands the pending batch to the store, after the previous one has been stored.
  core::Result<void> StoreBatch();
  // Waits for the batch being stored, if any, and counts its outcome.
  core::Result<void> Settle();
  void Reject(std::size_t row, std::string name, core::ErrorCode code, std::string message);

  core::Registry& registry_;
  core::Actor actor_;
  core::ConflictPolicy policy_;
  std::unique_ptr<json::ImportParser> parser_;

  // The pending batch: devices with their row numbers and names, in order.
  std::vector<core::Device> batch_;
  std::vector<std::size_t> batch_rows_;
  std::vector<std::string> batch_names_;

  // The batch being stored, with its row numbers and names.
  struct InFlight {
    std::future<core::Result<std::vector<core::ImportRowResult>>> results;
    std::vector<std::size_t> rows;
    std::vector<std::string> names;
  };
  std::optional<InFlight> in_flight_;

  std::size_t total_ = 0, created_ = 0, updated_ = 0, skipped_ = 0, rejected_ = 0;
  boost::json::array errors_;
  bool errors_truncated_ = false;
};

}  // namespace custos::api
