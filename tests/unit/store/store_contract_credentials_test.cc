// Store contract: device credentials and retirement.
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::Credential;
using core::Device;
using core::ErrorCode;

Credential Psk(core::DeviceId device, std::string identity) {
  Credential c;
  c.device_id = device;
  c.kind = "psk";
  c.identity = std::move(identity);
  c.secret = "000102030405060708090a0b0c0d0e0f";
  return c;
}

TEST_P(StoreContractTest, AddedCredentialIsListedAndFound) {
  Device d = Create("sensor-1");
  auto added = store().AddCredential(Psk(d.id, "id-1"), Audit("credential.add", "credential"));
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_GT(added->id, 0);
  EXPECT_EQ(added->created_at, kStart);
  EXPECT_FALSE(added->revoked_at);
  auto found = store().FindCredential("psk", "id-1");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, added->id);
  EXPECT_EQ(found->device_id, d.id);
  EXPECT_EQ(found->secret, "000102030405060708090a0b0c0d0e0f");
  auto listed = store().ListCredentials(d.id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().identity, "id-1");
  EXPECT_EQ(store().FindCredential("password", "id-1").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, ActiveCredentialIdentityIsUniquePerKind) {
  Device a = Create("a");
  Device b = Create("b");
  ASSERT_TRUE(store().AddCredential(Psk(a.id, "shared"), Audit("credential.add")));
  auto clash = store().AddCredential(Psk(b.id, "shared"), Audit("credential.add"));
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::kAlreadyExists);
  Credential password = Psk(b.id, "shared");
  password.kind = "password";
  EXPECT_TRUE(store().AddCredential(password, Audit("credential.add")));
}

TEST_P(StoreContractTest, RevokedCredentialIsNotFoundAndFreesItsIdentity) {
  Device d = Create("sensor-1");
  auto added = store().AddCredential(Psk(d.id, "id-1"), Audit("credential.add"));
  ASSERT_TRUE(added);
  clock_.Advance(10);
  ASSERT_TRUE(store().RevokeCredential(added->id, Audit("credential.revoke")));
  EXPECT_EQ(store().FindCredential("psk", "id-1").error().code, ErrorCode::kNotFound);
  auto listed = store().ListCredentials(d.id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().revoked_at, kStart + 10);
  auto again = store().AddCredential(Psk(d.id, "id-1"), Audit("credential.add"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(store().FindCredential("psk", "id-1")->id, again->id);
}

TEST_P(StoreContractTest, CredentialCallsOnUnknownIdsAreNotFound) {
  EXPECT_EQ(store().AddCredential(Psk(999, "x"), Audit("credential.add")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store().RevokeCredential(999, Audit("credential.revoke")).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(store().ListCredentials(999).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, RetireRevokesEveryCredentialAtomically) {
  Device d = Create("sensor-1");
  Device other = Create("sensor-2");
  ASSERT_TRUE(store().AddCredential(Psk(d.id, "one"), Audit("credential.add")));
  Credential pw = Psk(d.id, "two");
  pw.kind = "password";
  ASSERT_TRUE(store().AddCredential(pw, Audit("credential.add")));
  ASSERT_TRUE(store().AddCredential(Psk(other.id, "three"), Audit("credential.add")));
  clock_.Advance(100);
  auto retired = store().RetireDevice(d, Audit("device.retire"));
  ASSERT_TRUE(retired) << retired.error().message;
  EXPECT_EQ(retired->state, core::LifecycleState::kRetired);
  EXPECT_EQ(retired->version, 2);
  EXPECT_EQ(store().GetDevice(d.id)->state, core::LifecycleState::kRetired);
  auto listed = store().ListCredentials(d.id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  for (const Credential& c : *listed) EXPECT_EQ(c.revoked_at, kStart + 100) << c.identity;
  EXPECT_EQ(store().FindCredential("psk", "one").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store().FindCredential("password", "two").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store().FindCredential("psk", "three"));  // another device's stays
}

TEST_P(StoreContractTest, RetireWithStaleVersionChangesNothing) {
  Device d = Create("sensor-1");
  ASSERT_TRUE(store().AddCredential(Psk(d.id, "one"), Audit("credential.add")));
  Device stale = d;
  stale.version = 7;
  const std::size_t audits = AuditCount();
  EXPECT_EQ(store().RetireDevice(stale, Audit("device.retire")).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store().GetDevice(d.id)->state, core::LifecycleState::kProvisioned);
  EXPECT_TRUE(store().FindCredential("psk", "one"));
  EXPECT_EQ(AuditCount(), audits);
}

}  // namespace
}  // namespace custos::store::contract
