#include <gtest/gtest.h>

#include <map>
#include <set>

#include "lwm2m/model/model.h"

namespace custos::lwm2m {
namespace {

std::set<std::uint16_t> IdsOf(const ObjectDefinition& d) {
  std::set<std::uint16_t> ids;
  for (const auto& r : d.resources) ids.insert(r.id);
  return ids;
}

std::set<std::uint16_t> Range(std::uint16_t first, std::uint16_t last) {
  std::set<std::uint16_t> ids;
  for (auto i = first; i <= last; ++i) ids.insert(i);
  return ids;
}

TEST(BuiltinObjectsTest, EveryCoreObjectAndVersionIsThere) {
  std::map<std::uint16_t, std::vector<std::string>> versions;
  for (const auto& d : BuiltinObjects()) versions[d.id].push_back(ToString(d.version));
  const std::map<std::uint16_t, std::vector<std::string>> expected = {
      {0, {"1.0", "1.1", "1.2"}},
      {1, {"1.0", "1.1", "1.2"}},
      {2, {"1.0", "1.1"}},
      {3, {"1.0", "1.1", "1.2"}},
      {4, {"1.0", "1.1", "1.2", "1.3"}},
      {5, {"1.0", "1.1", "1.2"}},
      {6, {"1.0"}},
      {7, {"1.0"}},
      {9, {"1.0"}}};
  EXPECT_EQ(versions, expected);
}

TEST(BuiltinObjectsTest, DefinitionsAreWellFormed) {
  for (const auto& d : BuiltinObjects()) {
    SCOPED_TRACE(std::to_string(d.id) + " " + ToString(d.version));
    EXPECT_FALSE(d.name.empty());
    EXPECT_FALSE(d.description.empty());
    EXPECT_EQ(d.urn.rfind("urn:oma:lwm2m:oma:" + std::to_string(d.id), 0), 0u) << d.urn;
    EXPECT_FALSE(d.resources.empty());
    for (const auto& r : d.resources) {
      SCOPED_TRACE(r.name);
      EXPECT_FALSE(r.name.empty());
      EXPECT_FALSE(r.description.empty());
      // Executables carry no value; everything else has a type.
      EXPECT_EQ(r.type == ResourceType::kNone, IsExecutable(r.operations));
    }
  }
}

// Each older version holds a subset of the newer one's resources, the same resources under
// the same names; only the differences the specifications made are allowed.
TEST(BuiltinObjectsTest, OlderVersionsAreSubsetsOfTheLatest) {
  const ObjectRegistry registry;
  for (const auto* d : registry.All()) {
    const auto* latest = registry.Find(d->id);
    ASSERT_NE(latest, nullptr);
    for (const auto& r : d->resources) {
      SCOPED_TRACE(std::to_string(d->id) + " " + ToString(d->version) + " /" +
                   std::to_string(r.id));
      const auto* newer = latest->FindResource(r.id);
      ASSERT_NE(newer, nullptr);
      EXPECT_EQ(r.name, newer->name);
      EXPECT_EQ(r.multiple, newer->multiple);
      EXPECT_EQ(r.mandatory, newer->mandatory);
    }
  }
}

TEST(BuiltinObjectsTest, VersionsDifferWhereTheSpecificationsDo) {
  const ObjectRegistry r;
  auto ids = [&](std::uint16_t object, ObjectVersion v) {
    const auto* d = r.Find(object, v);
    return d != nullptr ? IdsOf(*d) : std::set<std::uint16_t>{};
  };
  EXPECT_EQ(ids(0, {1, 0}), Range(0, 12));
  EXPECT_EQ(ids(0, {1, 1}), Range(0, 17));
  EXPECT_EQ(ids(0, {1, 2}), Range(0, 30));
  EXPECT_EQ(ids(1, {1, 0}), Range(0, 8));
  EXPECT_EQ(ids(1, {1, 1}), Range(0, 23));
  EXPECT_EQ(ids(1, {1, 2}), Range(0, 27));
  EXPECT_EQ(ids(3, {1, 0}), Range(0, 22));
  EXPECT_EQ(ids(4, {1, 0}), Range(0, 10));
  EXPECT_EQ(ids(4, {1, 1}), Range(0, 11));
  EXPECT_EQ(ids(4, {1, 2}), Range(0, 12));
  EXPECT_EQ(ids(4, {1, 3}), Range(0, 13));
  EXPECT_EQ(ids(5, {1, 0}), (std::set<std::uint16_t>{0, 1, 2, 3, 5, 6, 7, 8, 9}));
  EXPECT_EQ(ids(5, {1, 2}).count(14), 1u);
  EXPECT_EQ(ids(5, {1, 1}).count(14), 0u);
  EXPECT_EQ(ids(5, {1, 1}).count(13), 1u);
  // Server 1.1 left its registration resources to the Bootstrap-Server; 1.2 opened them.
  EXPECT_EQ(r.Find(1, ObjectVersion{1, 1})->FindResource(17)->operations, Operations::kNone);
  EXPECT_EQ(r.Find(1, ObjectVersion{1, 2})->FindResource(17)->operations, Operations::kReadWrite);
  // Security 1.1's Certificate Usage was a signed Integer.
  EXPECT_EQ(r.Find(0, ObjectVersion{1, 1})->FindResource(15)->type, ResourceType::kInteger);
  EXPECT_EQ(r.Find(0, ObjectVersion{1, 2})->FindResource(15)->type, ResourceType::kUnsignedInteger);
}

TEST(BuiltinObjectsTest, TheResourcesTheServerReliesOn) {
  const ObjectRegistry r;
  struct Case {
    Path path;
    ResourceType type;
    Operations operations;
  };
  for (const auto& c : {
           Case{Path::Resource(3, 0, 0), ResourceType::kString, Operations::kRead},
           Case{Path::Resource(3, 0, 4), ResourceType::kNone, Operations::kExecute},
           Case{Path::Resource(3, 0, 5), ResourceType::kNone, Operations::kExecute},
           Case{Path::Resource(3, 0, 9), ResourceType::kInteger, Operations::kRead},
           Case{Path::Resource(3, 0, 13), ResourceType::kTime, Operations::kReadWrite},
           Case{Path::Resource(1, 0, 1), ResourceType::kInteger, Operations::kReadWrite},
           Case{Path::Resource(1, 0, 4), ResourceType::kNone, Operations::kExecute},
           Case{Path::Resource(4, 0, 2), ResourceType::kInteger, Operations::kRead},
           Case{Path::Resource(5, 0, 0), ResourceType::kOpaque, Operations::kWrite},
           Case{Path::Resource(5, 0, 1), ResourceType::kString, Operations::kReadWrite},
           Case{Path::Resource(5, 0, 2), ResourceType::kNone, Operations::kExecute},
           Case{Path::Resource(5, 0, 3), ResourceType::kInteger, Operations::kRead},
           Case{Path::Resource(5, 0, 5), ResourceType::kInteger, Operations::kRead},
           Case{Path::Resource(6, 0, 0), ResourceType::kFloat, Operations::kRead},
           Case{Path::Resource(9, 0, 4), ResourceType::kNone, Operations::kExecute},
       }) {
    const auto* d = r.FindResource(c.path);
    ASSERT_NE(d, nullptr) << ToString(c.path);
    EXPECT_EQ(d->type, c.type) << ToString(c.path);
    EXPECT_EQ(d->operations, c.operations) << ToString(c.path);
  }
  EXPECT_TRUE(r.FindResource(Path::Resource(3, 0, 11))->multiple);  // Error Code
}

}  // namespace
}  // namespace custos::lwm2m
