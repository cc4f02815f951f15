#include <gtest/gtest.h>

#include "lwm2m/model/model.h"

namespace custos::lwm2m {
namespace {

ObjectDefinition Custom(std::uint16_t id, ObjectVersion version, std::string resource_name,
                        ResourceType type = ResourceType::kInteger) {
  ObjectDefinition d;
  d.id = id;
  d.name = "Custom " + std::to_string(id);
  d.version = version;
  ResourceDefinition r;
  r.id = 1;
  r.name = std::move(resource_name);
  r.operations = Operations::kReadWrite;
  r.type = type;
  d.resources.push_back(std::move(r));
  return d;
}

TEST(ObjectRegistryTest, FindsByVersionAndDefaultsToTheLatest1x) {
  ObjectRegistry r;
  EXPECT_EQ(r.Find(1)->version, (ObjectVersion{1, 2}));
  EXPECT_EQ(r.Find(1, ObjectVersion{1, 1})->version, (ObjectVersion{1, 1}));
  EXPECT_EQ(r.Find(1, ObjectVersion{1, 5}), nullptr);  // exact only
  EXPECT_EQ(r.Find(4)->version, (ObjectVersion{1, 3}));
  EXPECT_EQ(r.Find(8), nullptr);
  EXPECT_EQ(r.Versions(4).size(), 4u);
  EXPECT_TRUE(r.Versions(8).empty());
  // A 2.0 is only the default when there is no 1.x.
  r.Add(Custom(3, {2, 0}, "two"));
  EXPECT_EQ(r.Find(3)->version, (ObjectVersion{1, 2}));
  r.Add(Custom(40000, {2, 0}, "two"));
  r.Add(Custom(40000, {2, 1}, "two one"));
  EXPECT_EQ(r.Find(40000)->version, (ObjectVersion{2, 1}));
}

TEST(ObjectRegistryTest, FindsWhatADeviceDeclared) {
  const ObjectRegistry r;
  const DeclaredVersions v{{1, {1, 1}}, {4, {1, 7}}, {5, {1, 0}}, {3, {2, 0}}};
  EXPECT_EQ(r.FindForDevice(1, v)->version, (ObjectVersion{1, 1}));
  EXPECT_EQ(r.FindForDevice(4, v)->version, (ObjectVersion{1, 3}));  // nearest below
  EXPECT_EQ(r.FindForDevice(5, v)->version, (ObjectVersion{1, 0}));
  EXPECT_EQ(r.FindForDevice(3, v), nullptr);  // another major version: raw values
  EXPECT_EQ(r.FindForDevice(6, v)->version, (ObjectVersion{1, 0}));  // undeclared
  ObjectRegistry only_newer = ObjectRegistry::Empty();
  only_newer.Add(Custom(40000, {1, 3}, "x"));
  EXPECT_EQ(only_newer.FindForDevice(40000, {{40000, {1, 1}}})->version,
            (ObjectVersion{1, 3}));  // nearest above
}

TEST(ObjectRegistryTest, ResolvesTypesForADevice) {
  const ObjectRegistry r;
  const auto resolve = r.ResolverFor({{1, {1, 0}}});
  EXPECT_EQ(resolve(Path::Resource(3, 0, 0)), ResourceType::kString);
  EXPECT_EQ(resolve(Path::ResourceInstance(3, 0, 11, 2)), ResourceType::kInteger);
  EXPECT_EQ(resolve(Path::Resource(3, 0, 4)), ResourceType::kNone);  // executable
  EXPECT_EQ(resolve(Path::Resource(1, 0, 1)), ResourceType::kInteger);
  EXPECT_EQ(resolve(Path::Resource(1, 0, 23)), std::nullopt);             // not in Server 1.0
  EXPECT_EQ(r.TypeAt(Path::Resource(1, 0, 23)), ResourceType::kBoolean);  // in 1.2
  EXPECT_EQ(resolve(Path::Resource(3, 0, 999)), std::nullopt);
  EXPECT_EQ(resolve(Path::Resource(33333, 0, 1)), std::nullopt);  // unknown object
  EXPECT_EQ(resolve(Path::Instance(3, 0)), std::nullopt);
  EXPECT_EQ(resolve(Path::Root()), std::nullopt);
}

TEST(ObjectRegistryTest, AReadableResourceWithoutATypeResolvesToNothing) {
  ObjectRegistry r = ObjectRegistry::Empty();
  auto d = Custom(40000, {1, 0}, "untyped", ResourceType::kNone);
  d.resources[0].operations = Operations::kRead;
  r.Add(d);
  EXPECT_EQ(r.TypeAt(Path::Resource(40000, 0, 1)), std::nullopt);
}

TEST(ObjectRegistryTest, ALoadedDefinitionReplacesTheSameIdAndVersion) {
  ObjectRegistry r;
  const auto before = r.size();
  EXPECT_FALSE(r.Add(Custom(40000, {1, 0}, "new")));
  EXPECT_EQ(r.size(), before + 1);
  EXPECT_TRUE(r.Add(Custom(3, {1, 2}, "Replaced")));
  EXPECT_EQ(r.size(), before + 1);
  EXPECT_EQ(r.Find(3)->FindResource(1)->name, "Replaced");
  EXPECT_EQ(r.Find(3, ObjectVersion{1, 1})->FindResource(1)->name, "Model Number");
  const auto all = r.All();
  ASSERT_EQ(all.size(), r.size());
  EXPECT_EQ(all.front()->id, 0);
  EXPECT_EQ(all.back()->id, 40000);
}

}  // namespace
}  // namespace custos::lwm2m
