// Store contract: bulk import with per-row outcomes and the three conflict policies.
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::ConflictPolicy;
using core::Device;
using core::ErrorCode;

std::vector<Device> Rows(std::initializer_list<const char*> names) {
  std::vector<Device> rows;
  for (const char* n : names) {
    Device d;
    d.name = n;
    d.identity.model = "imported";
    d.labels = {{"batch", "1"}, {"name", n}};
    rows.push_back(d);
  }
  return rows;
}

TEST_P(StoreContractTest, ImportCreatesEveryRowAndNumbersThem) {
  auto results = store().ImportDevices(Rows({"a", "b", "c"}), 17, ConflictPolicy::kFail,
                                       Audit("device.import"));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& r = (*results)[i];
    EXPECT_EQ(r.row, 17 + i);
    EXPECT_TRUE(r.accepted);
    EXPECT_FALSE(r.updated);
    auto got = store().GetDevice(r.id);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->version, 1);
    EXPECT_EQ(got->created_at, kStart);
    EXPECT_EQ(got->labels.at("batch"), "1");
    EXPECT_EQ(got->labels.at("name"), got->name);
  }
  EXPECT_EQ(store().GetDevice((*results)[1].id)->name, "b");
  EXPECT_EQ(AuditCount(), 1u);  // one entry describes the whole import
}

TEST_P(StoreContractTest, ImportFailPolicyRejectsTakenNamesOnly) {
  Device existing = Create("b");
  auto results = store().ImportDevices(Rows({"a", "b", "c"}), 1, ConflictPolicy::kFail,
                                       Audit("device.import"));
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_TRUE((*results)[0].accepted);
  EXPECT_FALSE((*results)[1].accepted);
  EXPECT_EQ((*results)[1].code, ErrorCode::kAlreadyExists);
  EXPECT_FALSE((*results)[1].error.empty());
  EXPECT_TRUE((*results)[2].accepted);
  EXPECT_EQ(*store().CountDevices(nullptr), 3);
  EXPECT_EQ(store().GetDevice(existing.id)->identity.model, "");
}

TEST_P(StoreContractTest, ImportSkipPolicyLeavesExistingAlone) {
  Device existing = Create("b");
  auto results =
      store().ImportDevices(Rows({"a", "b"}), 1, ConflictPolicy::kSkip, Audit("device.import"));
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_TRUE((*results)[0].accepted);
  EXPECT_FALSE((*results)[1].accepted);
  EXPECT_FALSE((*results)[1].updated);
  EXPECT_EQ((*results)[1].code, ErrorCode::kAlreadyExists);
  auto got = store().GetDevice(existing.id);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->identity.model, "");
  EXPECT_TRUE(got->labels.empty());
}

TEST_P(StoreContractTest, ImportUpdatePolicyReplacesFieldsOfExisting) {
  Device old = NewDevice("b", {{"stale", "x"}});
  old.state = core::LifecycleState::kActive;
  Device existing = Create(old);
  clock_.Advance(500);
  auto results =
      store().ImportDevices(Rows({"a", "b"}), 1, ConflictPolicy::kUpdate, Audit("device.import"));
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_TRUE((*results)[0].accepted);
  EXPECT_FALSE((*results)[0].updated);
  EXPECT_TRUE((*results)[1].accepted);
  EXPECT_TRUE((*results)[1].updated);
  EXPECT_EQ((*results)[1].id, existing.id);
  auto got = store().GetDevice(existing.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->identity.model, "imported");
  EXPECT_EQ(got->labels, (core::Labels{{"batch", "1"}, {"name", "b"}}));
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->updated_at, kStart + 500);
  EXPECT_EQ(got->created_at, kStart);
  EXPECT_EQ(got->state, core::LifecycleState::kActive);  // lifecycle is not imported
}

TEST_P(StoreContractTest, ImportRepeatedNameWithinOneCallFollowsPolicy) {
  auto results =
      store().ImportDevices(Rows({"a", "a"}), 1, ConflictPolicy::kFail, Audit("device.import"));
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_TRUE((*results)[0].accepted);
  EXPECT_FALSE((*results)[1].accepted);
  EXPECT_EQ((*results)[1].code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(*store().CountDevices(nullptr), 1);
}

TEST_P(StoreContractTest, ImportOfNothingSucceeds) {
  auto results = store().ImportDevices({}, 1, ConflictPolicy::kFail, Audit("device.import"));
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_TRUE(results->empty());
}

}  // namespace
}  // namespace custos::store::contract
