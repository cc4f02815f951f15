// Import throughput of the SQLite store: prints rows per second (to compare builds and
// machines) and asserts only what was stored, never a time. Besides wall-clock time it prints
// the process's CPU time, which a machine shared with other work does not inflate.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "store/sqlite/sqlite_store.h"

namespace custos::store {
namespace {

std::vector<core::Device> Rows(std::size_t first, std::size_t count, const char* region) {
  std::vector<core::Device> rows;
  rows.reserve(count);
  for (std::size_t i = first; i < first + count; ++i) {
    core::Device d;
    d.name = fmt::format("sensor-{:07}", i);
    d.protocol = "lwm2m";
    d.identity.manufacturer = "Acme";
    d.identity.model = "TH-1";
    d.identity.firmware_version = i % 2 ? "2.9" : "2.10";
    d.labels = {{"region", i % 3 ? region : "us"}, {"site", fmt::format("site-{}", i % 97)}};
    rows.push_back(std::move(d));
  }
  return rows;
}

TEST(SqliteImportThroughputTest, ImportsSimpleRowsWithTwoLabels) {
  constexpr std::size_t kRows = 100'000;
  constexpr std::size_t kBatch = 10'000;  // as the REST import hands them over
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("custos-import-throughput-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  core::FakeClock clock(1'700'000'000'000);
  SqliteOptions options;
  options.path = dir / "custos.db";
  options.clock = &clock;
  auto store = OpenSqliteStore(options);
  ASSERT_TRUE(store) << store.error().message;

  std::vector<std::vector<core::Device>> batches;
  for (std::size_t first = 0; first < kRows; first += kBatch) {
    batches.push_back(Rows(first, kBatch, "eu"));
  }

  std::size_t accepted = 0;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  for (std::size_t b = 0; b < batches.size(); ++b) {
    auto results = (*store)->ImportDevices(std::move(batches[b]), b * kBatch + 1,
                                           core::ConflictPolicy::kFail, core::AuditEntry{});
    ASSERT_TRUE(results) << results.error().message;
    for (const core::ImportRowResult& r : *results) accepted += r.accepted ? 1 : 0;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::cout << fmt::format(
      "[ figures  ] imported {} rows with 2 labels: {:.2f} s wall ({:.0f} rows/s), "
      "{:.2f} s CPU ({:.0f} rows/CPU-second)\n",
      kRows, seconds, kRows / seconds, cpu_seconds, kRows / cpu_seconds);

  EXPECT_EQ(accepted, kRows);

  // The first rows again, as updates of the devices they created.
  constexpr std::size_t kUpdates = 2 * kBatch;
  std::size_t updated = 0;
  const std::clock_t update_cpu_start = std::clock();
  for (std::size_t first = 0; first < kUpdates; first += kBatch) {
    auto results = (*store)->ImportDevices(Rows(first, kBatch, "eu-2"), first + 1,
                                           core::ConflictPolicy::kUpdate, core::AuditEntry{});
    ASSERT_TRUE(results) << results.error().message;
    for (const core::ImportRowResult& r : *results) updated += r.updated ? 1 : 0;
  }
  const double update_cpu = static_cast<double>(std::clock() - update_cpu_start) / CLOCKS_PER_SEC;
  std::cout << fmt::format(
      "[ figures  ] updated {} rows by import: {:.2f} s CPU ({:.0f} rows/CPU-second)\n", kUpdates,
      update_cpu, kUpdates / update_cpu);
  EXPECT_EQ(updated, kUpdates);
  EXPECT_EQ(*(*store)->CountDevices(nullptr), static_cast<std::int64_t>(kRows));
  auto last = (*store)->GetDeviceByName(fmt::format("sensor-{:07}", kRows - 1));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->labels.size(), 2u);
  (*store)->Close();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace custos::store
