// The client's object store: values typed by the model, and the Device Management
// operations checked against each resource's operations.
#include "lwm2m/client/object_store.h"

#include <gtest/gtest.h>

namespace custos::lwm2m::client {
namespace {

class ObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.AddObject(3));
    ASSERT_TRUE(store_.AddInstance(3, 0));
    ASSERT_TRUE(store_.Set(Path::Resource(3, 0, 0), Value{std::string("Custos")}));
    ASSERT_TRUE(store_.Set(Path::Resource(3, 0, 9), Value{std::int64_t{80}}));
    ASSERT_TRUE(store_.Set(Path::ResourceInstance(3, 0, 11, 0), Value{std::int64_t{0}}));
    ASSERT_TRUE(store_.Set(Path::Resource(3, 0, 13), Value{TimeValue{1000}}));
  }

  ObjectRegistry registry_;
  ObjectStore store_{registry_, ObjectVersion{1, 1}};
};

TEST_F(ObjectStoreTest, ValuesTakeTheTypeOfTheModel) {
  ASSERT_TRUE(store_.Set(Path::Resource(3, 0, 9), Value{std::uint64_t{55}}));
  EXPECT_EQ(store_.Get(Path::Resource(3, 0, 9)), Value{std::int64_t{55}});
  EXPECT_FALSE(store_.Set(Path::Resource(3, 0, 9), Value{std::string("full")}));
  EXPECT_FALSE(store_.Set(Path::Resource(3, 0, 9), Value{2.5}));
  EXPECT_EQ(store_.Set(Path::Resource(3, 0, 99), Value{1.0}).error().code,
            core::ErrorCode::kNotFound);
  EXPECT_EQ(store_.Set(Path::Resource(3, 0, 11), Value{std::int64_t{1}}).error().code,
            core::ErrorCode::kInvalidArgument);  // a multiple resource takes instances
}

TEST_F(ObjectStoreTest, ReadsAnInstanceInPathOrderSkippingWhatIsNotReadable) {
  store_.SetAction(Path::Resource(3, 0, 4), [](std::string_view) { return core::Result<void>{}; });
  auto records = store_.Read(Path::Instance(3, 0));
  ASSERT_TRUE(records);
  std::vector<Path> paths;
  for (const Record& record : *records) paths.push_back(record.path);
  EXPECT_EQ(paths,
            (std::vector<Path>{Path::Resource(3, 0, 0), Path::Resource(3, 0, 9),
                               Path::ResourceInstance(3, 0, 11, 0), Path::Resource(3, 0, 13)}));
  EXPECT_EQ(store_.Read(Path::Resource(3, 0, 4)).error().code, core::ErrorCode::kPermissionDenied);
  EXPECT_EQ(store_.Read(Path::Instance(3, 1)).error().code, core::ErrorCode::kNotFound);
}

TEST_F(ObjectStoreTest, WriteRefusesReadOnlyResourcesAndAppliesNothingThen) {
  const Record time{Path::Resource(3, 0, 13), Value{TimeValue{2000}}, std::nullopt};
  const Record battery{Path::Resource(3, 0, 9), Value{std::int64_t{1}}, std::nullopt};
  const Record both[] = {time, battery};
  EXPECT_EQ(store_.Write(Path::Instance(3, 0), both, false).error().code,
            core::ErrorCode::kPermissionDenied);
  EXPECT_EQ(store_.Get(Path::Resource(3, 0, 13)), Value{TimeValue{1000}});
  ASSERT_TRUE(store_.Write(Path::Resource(3, 0, 13), std::span(&time, 1), true));
  EXPECT_EQ(store_.Get(Path::Resource(3, 0, 13)), Value{TimeValue{2000}});
}

TEST_F(ObjectStoreTest, ReplaceOfAMultipleResourceKeepsOnlyTheWrittenInstances) {
  ASSERT_TRUE(store_.AddObject(1));
  ASSERT_TRUE(store_.AddInstance(1, 0));
  ASSERT_TRUE(store_.AddObject(4));
  ASSERT_TRUE(store_.AddInstance(4, 0));
  ASSERT_TRUE(store_.SetInstances(Path::Resource(4, 0, 4),
                                  {{0, Value{std::string("a")}}, {1, Value{std::string("b")}}}));
  EXPECT_EQ(store_.InstancesOf(Path::Resource(4, 0, 4)), (std::vector<std::uint16_t>{0, 1}));
}

TEST_F(ObjectStoreTest, CreateAndDeleteInstancesOfAMultipleInstanceObject) {
  ASSERT_TRUE(store_.AddObject(1));
  const Record lifetime{Path::Resource(1, 5, 1), Value{std::int64_t{60}}, std::nullopt};
  auto created = store_.Create(1, 5, std::span(&lifetime, 1));
  ASSERT_TRUE(created);
  EXPECT_EQ(*created, 5);
  EXPECT_EQ(store_.Get(Path::Resource(1, 5, 1)), Value{std::int64_t{60}});
  auto next = store_.Create(1, std::nullopt, {});
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 0);
  EXPECT_EQ(store_.Create(1, 5, {}).error().code, core::ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_.Create(3, std::nullopt, {}).error().code,
            core::ErrorCode::kFailedPrecondition);  // Device has one instance
  ASSERT_TRUE(store_.Delete(Path::Instance(1, 5)));
  EXPECT_FALSE(store_.Exists(Path::Instance(1, 5)));
  EXPECT_EQ(store_.Delete(Path::Resource(3, 0, 0)).error().code,
            core::ErrorCode::kPermissionDenied);
}

TEST_F(ObjectStoreTest, ExecuteRunsTheActionWithItsArguments) {
  std::string seen;
  store_.SetAction(Path::Resource(3, 0, 4), [&](std::string_view arguments) {
    seen = arguments;
    return core::Result<void>{};
  });
  ASSERT_TRUE(store_.Execute(Path::Resource(3, 0, 4), "0='now'"));
  EXPECT_EQ(seen, "0='now'");
  EXPECT_EQ(store_.Execute(Path::Resource(3, 0, 9), "").error().code,
            core::ErrorCode::kPermissionDenied);
}

TEST_F(ObjectStoreTest, ChangesAreReported) {
  std::vector<Path> changed;
  store_.OnChange([&](const Path& path) { changed.push_back(path); });
  ASSERT_TRUE(store_.Set(Path::Resource(3, 0, 9), Value{std::int64_t{79}}));
  EXPECT_EQ(changed, (std::vector<Path>{Path::Resource(3, 0, 9)}));
}

}  // namespace
}  // namespace custos::lwm2m::client
