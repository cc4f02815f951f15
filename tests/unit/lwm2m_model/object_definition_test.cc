#include <gtest/gtest.h>

#include "lwm2m/model/model.h"

namespace custos::lwm2m {
namespace {

TEST(ObjectVersionTest, ParsesPrintsAndOrders) {
  EXPECT_EQ(ParseObjectVersion("1.0"), (ObjectVersion{1, 0}));
  EXPECT_EQ(ParseObjectVersion(" 2.1\n"), (ObjectVersion{2, 1}));
  EXPECT_EQ(ParseObjectVersion("1.10"), (ObjectVersion{1, 10}));
  for (const char* bad : {"", "1", "1.", ".1", "1.0.2", "a.b", "1.-1", "-1.0", "1.0x", "1000.0"}) {
    EXPECT_FALSE(ParseObjectVersion(bad)) << bad;
  }
  EXPECT_EQ(ToString(ObjectVersion{1, 2}), "1.2");
  EXPECT_LT((ObjectVersion{1, 9}), (ObjectVersion{1, 10}));
  EXPECT_LT((ObjectVersion{1, 10}), (ObjectVersion{2, 0}));
}

TEST(OperationsTest, ParsesTheDdfSpellings) {
  EXPECT_EQ(ParseOperations("R"), Operations::kRead);
  EXPECT_EQ(ParseOperations("w"), Operations::kWrite);
  EXPECT_EQ(ParseOperations(" RW "), Operations::kReadWrite);
  EXPECT_EQ(ParseOperations("E"), Operations::kExecute);
  EXPECT_EQ(ParseOperations(""), Operations::kNone);
  EXPECT_FALSE(ParseOperations("RWE"));
  EXPECT_FALSE(ParseOperations("X"));
  EXPECT_STREQ(ToString(Operations::kReadWrite), "RW");
  EXPECT_TRUE(IsWritable(Operations::kWrite));
  EXPECT_FALSE(IsWritable(Operations::kRead));
  EXPECT_TRUE(IsReadable(Operations::kReadWrite));
  EXPECT_FALSE(IsReadable(Operations::kExecute));
}

ResourceDefinition Named(std::uint16_t id, std::string name) {
  ResourceDefinition r;
  r.id = id;
  r.name = std::move(name);
  return r;
}

TEST(ObjectDefinitionTest, NormalizeSortsAndRefusesRepeatedIds) {
  ObjectDefinition def;
  def.resources = {Named(5, "five"), Named(1, "one")};
  ASSERT_TRUE(NormalizeResources(def));
  EXPECT_EQ(def.resources[0].id, 1);
  ASSERT_NE(def.FindResource(5), nullptr);
  EXPECT_EQ(def.FindResource(5)->name, "five");
  EXPECT_EQ(def.FindResource(2), nullptr);
  def.resources.push_back(Named(1, "again"));
  auto dup = NormalizeResources(def);
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("resource ID 1"), std::string::npos);
}

}  // namespace
}  // namespace custos::lwm2m
