// Store contract: firmware images (create with models and audit, one row per content, get,
// pages by id, delete audited and never reusing an id).
#include "store_contract.h"

namespace custos::store::contract {
namespace {

using core::ErrorCode;
using core::FirmwareImage;

FirmwareImage NewImage(std::string version, char digit) {
  FirmwareImage image;
  image.name = "pump-controller";
  image.version = std::move(version);
  image.size = 3 * 1024 * 1024;
  image.sha256 = std::string(64, digit);
  image.file = "firmware/" + image.sha256;
  image.models = {"P-200", "P-100"};
  image.uploaded_by = "tester";
  return image;
}

TEST_P(StoreContractTest, FirmwareIsCreatedWithIdTimeModelsAndAuditAndReadBack) {
  auto created =
      store().CreateFirmware(NewImage("2.4.1", 'a'), Audit("firmware.upload", "firmware"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->created_at, kStart);
  Reopen();
  auto got = store().GetFirmware(created->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->name, "pump-controller");
  EXPECT_EQ(got->version, "2.4.1");
  EXPECT_EQ(got->size, 3u * 1024 * 1024);
  EXPECT_EQ(got->sha256, std::string(64, 'a'));
  EXPECT_EQ(got->file, "firmware/" + std::string(64, 'a'));
  EXPECT_EQ(got->uploaded_by, "tester");
  EXPECT_EQ(got->created_at, kStart);
  EXPECT_EQ(got->models, (std::vector<std::string>{"P-100", "P-200"}));  // in name order

  core::AuditQuery query;
  query.target_type = "firmware";
  auto audit = store().ListAudit(query);
  ASSERT_TRUE(audit) << audit.error().message;
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].action, "firmware.upload");
  EXPECT_EQ((*audit)[0].target_id, std::to_string(created->id));
}

TEST_P(StoreContractTest, FirmwareWithTheSameContentIsRefusedNamingTheStoredOne) {
  auto first = store().CreateFirmware(NewImage("1.0", 'b'), Audit("firmware.upload", "firmware"));
  ASSERT_TRUE(first) << first.error().message;
  auto again = store().CreateFirmware(NewImage("1.1", 'b'), Audit("firmware.upload", "firmware"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(again.error().message.find(std::to_string(first->id)), std::string::npos)
      << again.error().message;
  auto page = store().ListFirmware(0, 10);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->size(), 1u);
}

TEST_P(StoreContractTest, FirmwareWithoutModelsFitsAnyAndReadsBackEmpty) {
  FirmwareImage image = NewImage("3.0", 'c');
  image.models.clear();
  auto created = store().CreateFirmware(image, Audit("firmware.upload", "firmware"));
  ASSERT_TRUE(created) << created.error().message;
  auto got = store().GetFirmware(created->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_TRUE(got->models.empty());
}

TEST_P(StoreContractTest, UnknownFirmwareIsNotFound) {
  auto got = store().GetFirmware(404);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  auto removed = store().DeleteFirmware(404, Audit("firmware.delete", "firmware"));
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, FirmwareIsListedByIdInPages) {
  std::vector<core::FirmwareId> ids;
  for (char digit : std::string("01234")) {
    auto created = store().CreateFirmware(NewImage(std::string("1.") + digit, digit),
                                          Audit("firmware.upload", "firmware"));
    ASSERT_TRUE(created) << created.error().message;
    ids.push_back(created->id);
  }
  auto first = store().ListFirmware(0, 2);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].id, ids[0]);
  EXPECT_EQ((*first)[1].id, ids[1]);
  EXPECT_EQ((*first)[0].models.size(), 2u);
  auto rest = store().ListFirmware((*first)[1].id, 10);
  ASSERT_TRUE(rest) << rest.error().message;
  ASSERT_EQ(rest->size(), 3u);
  EXPECT_EQ((*rest)[2].id, ids[4]);
  auto bad = store().ListFirmware(0, 0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, DeletedFirmwareIsGoneAuditedAndItsIdNeverReused) {
  auto created = store().CreateFirmware(NewImage("1.0", 'd'), Audit("firmware.upload", "firmware"));
  ASSERT_TRUE(created) << created.error().message;
  auto removed = store().DeleteFirmware(created->id, Audit("firmware.delete", "firmware"));
  ASSERT_TRUE(removed) << removed.error().message;
  Reopen();
  auto got = store().GetFirmware(created->id);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);

  // The same content may come back, under a new id.
  auto again = store().CreateFirmware(NewImage("1.0", 'd'), Audit("firmware.upload", "firmware"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_GT(again->id, created->id);

  core::AuditQuery query;
  query.action_prefix = "firmware.delete";
  auto audit = store().ListAudit(query);
  ASSERT_TRUE(audit) << audit.error().message;
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ((*audit)[0].target_id, std::to_string(created->id));
}

}  // namespace
}  // namespace custos::store::contract
