#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>

#include "lwm2m/model/model.h"

namespace custos::lwm2m {
namespace {

namespace json = boost::json;

Record R(Path path, Value value, std::optional<double> time = std::nullopt) {
  return Record{path, std::move(value), time};
}

json::value J(std::string_view text) { return json::parse(text); }

class TypedJsonWriteTest : public ::testing::Test {
 protected:
  ObjectRegistry registry_;
};

TEST_F(TypedJsonWriteTest, ASingleResource) {
  const Record records[] = {R(Path::Resource(3, 0, 0), std::string("Acme"))};
  EXPECT_EQ(ToJson(Path::Resource(3, 0, 0), records, registry_),
            J(R"({"path":"/3/0/0","id":0,"name":"Manufacturer","type":"String",
                  "multiple":false,"value":"Acme"})"));
}

TEST_F(TypedJsonWriteTest, AMultipleResource) {
  const Record records[] = {R(Path::ResourceInstance(3, 0, 6, 1), std::int64_t{5}),
                            R(Path::ResourceInstance(3, 0, 6, 0), std::int64_t{1})};
  EXPECT_EQ(ToJson(Path::Resource(3, 0, 6), records, registry_),
            J(R"({"path":"/3/0/6","id":6,"name":"Available Power Sources","type":"Integer",
                  "multiple":true,"instances":[{"id":0,"value":1},{"id":1,"value":5}]})"));
  // An empty read of a multiple resource still says what it is.
  EXPECT_EQ(ToJson(Path::Resource(3, 0, 6), {}, registry_),
            J(R"({"path":"/3/0/6","id":6,"name":"Available Power Sources","type":"Integer",
                  "multiple":true,"instances":[]})"));
}

TEST_F(TypedJsonWriteTest, AResourceInstance) {
  const Record records[] = {R(Path::ResourceInstance(3, 0, 11, 2), std::int64_t{4})};
  EXPECT_EQ(ToJson(Path::ResourceInstance(3, 0, 11, 2), records, registry_),
            J(R"({"path":"/3/0/11/2","id":2,"name":"Error Code","type":"Integer","value":4})"));
}

TEST_F(TypedJsonWriteTest, AnInstanceAndAnObjectNestInIdOrder) {
  const Record records[] = {
      R(Path::Resource(3, 0, 1), std::string("M1")),
      R(Path::Resource(3, 0, 0), std::string("Acme")),
      R(Path::ResourceInstance(3, 0, 11, 0), std::int64_t{0}),
      R(Path::Resource(3, 0, 13), TimeValue{1700000000}),
  };
  const auto instance = J(R"({"id":0,"resources":[
      {"id":0,"name":"Manufacturer","type":"String","multiple":false,"value":"Acme"},
      {"id":1,"name":"Model Number","type":"String","multiple":false,"value":"M1"},
      {"id":11,"name":"Error Code","type":"Integer","multiple":true,
       "instances":[{"id":0,"value":0}]},
      {"id":13,"name":"Current Time","type":"Time","multiple":false,"value":1700000000,
       "iso8601":"2023-11-14T22:13:20Z"}]})");
  json::object expected_instance = instance.as_object();
  expected_instance.emplace("path", "/3/0");
  EXPECT_EQ(ToJson(Path::Instance(3, 0), records, registry_), expected_instance);

  json::object expected_object{{"path", "/3"},
                               {"id", 3},
                               {"name", "Device"},
                               {"version", "1.2"},
                               {"instances", json::array{instance}}};
  EXPECT_EQ(ToJson(Path::Object(3), records, registry_), expected_object);

  json::object expected_root{{"path", "/"}};
  expected_object.erase("path");
  expected_root["objects"] = json::array{expected_object};
  EXPECT_EQ(ToJson(Path::Root(), records, registry_), expected_root);
}

TEST_F(TypedJsonWriteTest, NamesFollowTheDeclaredVersion) {
  const auto doc = ToJson(Path::Object(1), {}, registry_, {{1, {1, 1}}});
  EXPECT_EQ(doc.at("version"), "1.1");
}

TEST_F(TypedJsonWriteTest, EveryValueType) {
  const Record records[] = {
      R(Path::Resource(40000, 0, 0), std::string("text")),
      R(Path::Resource(40000, 0, 1), std::int64_t{-7}),
      R(Path::Resource(40000, 0, 2), std::uint64_t{18446744073709551615ull}),
      R(Path::Resource(40000, 0, 3), 2.5),
      R(Path::Resource(40000, 0, 4), true),
      R(Path::Resource(40000, 0, 5), Opaque{0x01, 0x02, 0xff}),
      R(Path::Resource(40000, 0, 6), TimeValue{-1}),
      R(Path::Resource(40000, 0, 7), ObjectLink{3, 0}),
      R(Path::Resource(40000, 0, 8), CoreLink{"</3/0>"}),
      R(Path::Resource(40000, 0, 9), std::numeric_limits<double>::infinity()),
  };
  // Unknown object: ids and raw values, each typed by itself.
  EXPECT_EQ(ToJson(Path::Instance(40000, 0), records, registry_), J(R"({"path":"/40000/0","id":0,
      "resources":[
        {"id":0,"type":"String","multiple":false,"value":"text"},
        {"id":1,"type":"Integer","multiple":false,"value":-7},
        {"id":2,"type":"Unsigned Integer","multiple":false,"value":18446744073709551615},
        {"id":3,"type":"Float","multiple":false,"value":2.5},
        {"id":4,"type":"Boolean","multiple":false,"value":true},
        {"id":5,"type":"Opaque","multiple":false,"value":"AQL/"},
        {"id":6,"type":"Time","multiple":false,"value":-1,"iso8601":"1969-12-31T23:59:59Z"},
        {"id":7,"type":"Objlnk","multiple":false,"value":"3:0"},
        {"id":8,"type":"Corelnk","multiple":false,"value":"</3/0>"},
        {"id":9,"type":"Float","multiple":false,"value":"Infinity"}]})"));
}

TEST_F(TypedJsonWriteTest, ARawValueOfAKnownResourceSaysItsOwnType) {
  const Record records[] = {R(Path::Resource(3, 0, 9), Opaque{0x64})};
  EXPECT_EQ(ToJson(Path::Resource(3, 0, 9), records, registry_),
            J(R"({"path":"/3/0/9","id":9,"name":"Battery Level","type":"Integer",
                  "multiple":false,"value":"ZA==","value_type":"Opaque"})"));
}

TEST_F(TypedJsonWriteTest, RepeatedPathsAreASeriesWithTimestamps) {
  const Record records[] = {R(Path::Resource(3303, 0, 5700), 21.5, 1700000000.0),
                            R(Path::Resource(3303, 0, 5700), 22.0, 1700000060.0)};
  EXPECT_EQ(ToJson(Path::Resource(3303, 0, 5700), records, registry_),
            J(R"({"path":"/3303/0/5700","id":5700,"type":"Float","multiple":false,
                  "series":[{"value":21.5,"timestamp":1700000000.0},
                            {"value":22.0,"timestamp":1700000060.0}]})"));
}

TEST_F(TypedJsonWriteTest, RecordsOutsideThePathAreNotPartOfIt) {
  const Record records[] = {R(Path::Resource(3, 0, 0), std::string("Acme")),
                            R(Path::Resource(3, 1, 0), std::string("Other")),
                            R(Path::Resource(4, 0, 2), std::int64_t{-90})};
  const auto doc = ToJson(Path::Instance(3, 0), records, registry_);
  EXPECT_EQ(doc.at("resources").as_array().size(), 1u);
}

}  // namespace
}  // namespace custos::lwm2m
