// How fast a bulk request stores its operations: 100,000 devices imported, one reboot each.
// Disabled in the suite (it measures, it asserts only the count); run it with
//   ops_test --gtest_also_run_disabled_tests --gtest_filter='*BulkRate*'
#include <chrono>
#include <cstdio>

#include "fixture.h"

namespace custos::ops::testing {
namespace {

TEST_F(EngineTest, DISABLED_BulkRateOver100000Devices) {
  constexpr int kDevices = 100'000;
  for (int first = 0; first < kDevices; first += 5000) {
    std::vector<core::Device> rows;
    for (int i = first; i < first + 5000; ++i) {
      core::Device d;
      d.name = "bulk-" + std::to_string(i);
      d.protocol = "mqtt";
      rows.push_back(std::move(d));
    }
    auto imported = registry_->ImportDevices(operator_, std::move(rows), first,
                                             core::ConflictPolicy::kFail);
    ASSERT_TRUE(imported) << imported.error().message;
  }
  OperationRequest r;
  r.kind = core::OperationKind::kReboot;
  const auto start = std::chrono::steady_clock::now();
  auto bulk = engine_->CreateBulk(operator_, BulkSelector{std::nullopt, R"(name ~ "bulk-*")"}, r,
                                  false);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(bulk) << bulk.error().message;
  EXPECT_EQ(bulk->created, kDevices);
  std::printf("bulk: %lld operations stored in %.2f s (%.0f/s)\n",
              static_cast<long long>(bulk->created), seconds, bulk->created / seconds);
}

}  // namespace
}  // namespace custos::ops::testing
