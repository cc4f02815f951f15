#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>

#include "lwm2m/model/model.h"

namespace custos::lwm2m {
namespace {

namespace json = boost::json;
using core::ErrorCode;

class TypedJsonReadTest : public ::testing::Test {
 protected:
  core::Result<std::vector<Record>> Read(std::string_view text, std::string_view path,
                                         WriteKind kind = WriteKind::kWrite,
                                         const DeclaredVersions& versions = {}) {
    return FromJson(json::parse(text), ParsePath(path).value(), registry_, versions, kind);
  }
  // The write fails with `code` and a message containing `part`.
  void ExpectError(std::string_view text, std::string_view path, ErrorCode code,
                   std::string_view part, WriteKind kind = WriteKind::kWrite) {
    auto r = Read(text, path, kind);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(part), std::string::npos)
        << "got: " << r.error().message << "\nwanted: " << part;
  }
  ObjectRegistry registry_;
};

TEST_F(TypedJsonReadTest, ASingleResourceAsNodeOrBareValue) {
  const std::vector<Record> expected{{Path::Resource(1, 0, 1), std::int64_t{300}, std::nullopt}};
  EXPECT_EQ(Read(R"({"value": 300})", "/1/0/1").value(), expected);
  EXPECT_EQ(Read(R"(300)", "/1/0/1").value(), expected);
  EXPECT_EQ(Read(R"({"path":"/1/0/1","id":1,"name":"Lifetime","type":"Integer",
                     "multiple":false,"value":300})",
                 "/1/0/1")
                .value(),
            expected);
}

TEST_F(TypedJsonReadTest, EveryValueType) {
  struct Case {
    const char* path;
    const char* json;
    Value value;
  };
  // Known resources of the built-ins, plus an unknown object with explicit types.
  const Case cases[] = {
      {"/3/0/15", R"("Europe/Paris")", std::string("Europe/Paris")},
      {"/1/0/2", R"(-5)", std::int64_t{-5}},
      {"/1/0/2", R"(60.0)", std::int64_t{60}},
      {"/1/0/18", R"(18446744073709551615)", std::uint64_t{18446744073709551615ull}},
      {"/1/0/18", R"(7)", std::uint64_t{7}},
      {"/1/0/6", R"(true)", true},
      {"/5/0/0", R"("AQL/")", Opaque{0x01, 0x02, 0xff}},
      {"/3/0/13", R"(1700000000)", TimeValue{1700000000}},
      {"/3/0/13", R"("2023-11-14T22:13:20Z")", TimeValue{1700000000}},
      {"/3/0/13", R"("2023-11-14T23:13:20+01:00")", TimeValue{1700000000}},
      {"/1/0/10", R"("11:0")", ObjectLink{11, 0}},
      {"/40000/0/1", R"({"type":"Float","value":1.5})", 1.5},
      {"/40000/0/1", R"({"type":"Float","value":2})", 2.0},
      {"/40000/0/1", R"({"type":"Corelnk","value":"</3/0>"})", CoreLink{"</3/0>"}},
  };
  for (const auto& c : cases) {
    auto r = Read(c.json, c.path);
    ASSERT_TRUE(r) << c.path << " " << c.json << ": " << r.error().message;
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ(r->front().value, c.value) << c.path << " " << c.json;
  }
  auto nan = Read(R"({"type":"Float","value":"NaN"})", "/40000/0/1");
  ASSERT_TRUE(nan);
  EXPECT_TRUE(std::isnan(std::get<double>(nan->front().value)));
}

TEST_F(TypedJsonReadTest, AMultipleResourceAndOneOfItsInstances) {
  auto r = Read(R"({"instances":[{"id":1,"value":"11:1"},{"id":0,"value":"11:0"}]})", "/1/0/24");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, (std::vector<Record>{
                    {Path::ResourceInstance(1, 0, 24, 1), ObjectLink{11, 1}, std::nullopt},
                    {Path::ResourceInstance(1, 0, 24, 0), ObjectLink{11, 0}, std::nullopt}}));
  auto one = Read(R"("11:2")", "/1/0/24/3");
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->front().path, Path::ResourceInstance(1, 0, 24, 3));
}

TEST_F(TypedJsonReadTest, AnInstanceAndACreatedObject) {
  auto r = Read(R"({"resources":[{"id":1,"value":600},{"id":7,"value":"UQ"}]})", "/1/0");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, (std::vector<Record>{{Path::Resource(1, 0, 1), std::int64_t{600}, std::nullopt},
                                     {Path::Resource(1, 0, 7), std::string("UQ"), std::nullopt}}));
  // A Create may set what a Write may not (Short Server ID is read-only).
  auto created = Read(R"({"instances":[{"id":2,"resources":[{"id":0,"value":101}]}]})", "/1",
                      WriteKind::kCreate);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->front().path, Path::Resource(1, 2, 0));
}

TEST_F(TypedJsonReadTest, WhatAReadGivesCanBeWrittenBack) {
  const Record records[] = {{Path::Resource(1, 0, 1), std::int64_t{86400}, std::nullopt},
                            {Path::Resource(1, 0, 7), std::string("U"), std::nullopt},
                            {Path::ResourceInstance(1, 0, 24, 0), ObjectLink{11, 0}, std::nullopt}};
  const auto doc = ToJson(Path::Instance(1, 0), records, registry_);
  auto back = FromJson(doc, Path::Instance(1, 0), registry_);
  ASSERT_TRUE(back) << back.error().message << "\n" << json::serialize(doc);
  EXPECT_EQ(*back, std::vector<Record>(std::begin(records), std::end(records)));
}

// Opaque of every length modulo 3 and Times across centuries, leap days and before 1970 come
// back as they were written.
TEST_F(TypedJsonReadTest, OpaqueAndTimeRoundTrip) {
  for (std::size_t n = 0; n <= 7; ++n) {
    Opaque bytes;
    for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<std::uint8_t>(0xfb + i * 37));
    const Record records[] = {{Path::Resource(5, 0, 0), bytes, std::nullopt}};
    const auto doc = ToJson(Path::Resource(5, 0, 0), records, registry_);
    auto back = FromJson(doc, Path::Resource(5, 0, 0), registry_);
    ASSERT_TRUE(back) << json::serialize(doc) << ": " << back.error().message;
    EXPECT_EQ(back->front().value, Value(bytes)) << json::serialize(doc);
  }
  for (std::int64_t t :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{951782400} /* 2000-02-29 */,
        std::int64_t{-2208988800} /* 1900-01-01 */, std::int64_t{4102444799},
        std::int64_t{253402300799} /* 9999-12-31T23:59:59Z */}) {
    const Record records[] = {{Path::Resource(3, 0, 13), TimeValue{t}, std::nullopt}};
    const auto doc = ToJson(Path::Resource(3, 0, 13), records, registry_);
    auto from_iso = Read(json::serialize(doc.at("iso8601")), "/3/0/13");
    ASSERT_TRUE(from_iso) << json::serialize(doc) << ": " << from_iso.error().message;
    EXPECT_EQ(from_iso->front().value, Value(TimeValue{t})) << json::serialize(doc);
  }
  EXPECT_EQ(
      ToJson(Path::Resource(3, 0, 13),
             std::vector<Record>{{Path::Resource(3, 0, 13), TimeValue{951782400}, {}}}, registry_)
          .at("iso8601"),
      "2000-02-29T00:00:00Z");
}

TEST_F(TypedJsonReadTest, WrongTypesAreRefusedNamingThePath) {
  ExpectError(R"("300")", "/1/0/1", ErrorCode::kInvalidArgument,
              "/1/0/1: Integer expected (an integer (-2^63..2^63-1)), got string \"300\"");
  ExpectError(R"(1.5)", "/1/0/1", ErrorCode::kInvalidArgument, "got number 1.5");
  ExpectError(R"(-1)", "/1/0/18", ErrorCode::kInvalidArgument, "Unsigned Integer expected");
  ExpectError(R"(9223372036854775808)", "/1/0/2", ErrorCode::kInvalidArgument, "Integer expected");
  ExpectError(R"(1)", "/1/0/6", ErrorCode::kInvalidArgument, "Boolean expected");
  ExpectError(R"("not base64!")", "/5/0/0", ErrorCode::kInvalidArgument, "Opaque expected");
  ExpectError(R"("AQL_")", "/5/0/0", ErrorCode::kInvalidArgument, "Opaque expected");
  ExpectError(R"("yesterday")", "/3/0/13", ErrorCode::kInvalidArgument, "Time expected");
  ExpectError(R"("2023-02-29T00:00:00Z")", "/3/0/13", ErrorCode::kInvalidArgument, "Time expected");
  ExpectError(R"("11")", "/1/0/10", ErrorCode::kInvalidArgument, "Objlnk expected");
  ExpectError(R"(null)", "/3/0/15", ErrorCode::kInvalidArgument, "got null");
  ExpectError(R"({"type":"String","value":300})", "/1/0/1", ErrorCode::kInvalidArgument,
              "\"type\" is String, the model says Integer");
  ExpectError(R"({"value":300,"value_type":"Opaque"})", "/1/0/1", ErrorCode::kInvalidArgument,
              "\"value_type\" is Opaque, the resource is Integer");
}

TEST_F(TypedJsonReadTest, ResourcesTheWriteMayNotSet) {
  ExpectError(R"("Acme")", "/3/0/0", ErrorCode::kPermissionDenied,
              "/3/0/0: \"Manufacturer\" is read-only");
  ExpectError(R"({"value":1})", "/3/0/4", ErrorCode::kPermissionDenied, "\"Reboot\" is executable");
  ExpectError(R"("coaps://x")", "/0/0/0", ErrorCode::kPermissionDenied,
              "set only by a Bootstrap-Server");
  ExpectError(R"("coaps://x")", "/0/0/0", ErrorCode::kPermissionDenied,
              "set only by a Bootstrap-Server", WriteKind::kCreate);
  auto bootstrap = Read(R"("coaps://x")", "/0/0/0", WriteKind::kBootstrapWrite);
  ASSERT_TRUE(bootstrap) << bootstrap.error().message;
  ExpectError(R"({"value":1})", "/3/0/4", ErrorCode::kPermissionDenied, "executable",
              WriteKind::kBootstrapWrite);
  // Server 1.1 left Communication Retry Count to the Bootstrap-Server; 1.2 lets a server write.
  auto v12 = Read(R"(3)", "/1/0/17");
  ASSERT_TRUE(v12) << v12.error().message;
  auto v11 = Read(R"(3)", "/1/0/17", WriteKind::kWrite, {{1, {1, 1}}});
  ASSERT_FALSE(v11);
  EXPECT_EQ(v11.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(TypedJsonReadTest, UnknownResourcesAndObjects) {
  ExpectError(R"(1)", "/3/0/99", ErrorCode::kNotFound,
              "/3/0/99: object 3 (Device 1.2) has no resource 99");
  ExpectError(R"({"resources":[{"id":99,"value":1}]})", "/3/0", ErrorCode::kNotFound,
              "/3/0/99: object 3");
  ExpectError(R"(1)", "/40000/0/1", ErrorCode::kInvalidArgument,
              "/40000/0/1: the model does not know this resource: give");
  ExpectError(R"({"value":1})", "/40000/0/1", ErrorCode::kInvalidArgument, "give its \"type\"");
  ExpectError(R"({"type":"Number","value":1})", "/40000/0/1", ErrorCode::kInvalidArgument,
              "\"type\" string \"Number\" is not a value type");
  ExpectError(R"({"type":"none","value":1})", "/40000/0/1", ErrorCode::kInvalidArgument,
              "is not a value type");
}

TEST_F(TypedJsonReadTest, ShapesThatDoNotFit) {
  ExpectError(R"(1)", "/", ErrorCode::kInvalidArgument, "a write needs");
  ExpectError(R"({"instances":[]})", "/1", ErrorCode::kInvalidArgument,
              "a Write targets an object instance or a resource");
  ExpectError(R"(["11:0"])", "/1/0/24", ErrorCode::kInvalidArgument, "a multiple resource");
  ExpectError(R"({"value":1})", "/1/0/24", ErrorCode::kInvalidArgument,
              "a multiple resource: give \"instances\"");
  ExpectError(R"({"instances":[{"id":0,"value":1}]})", "/1/0/1", ErrorCode::kInvalidArgument,
              "a single resource: give \"value\"");
  ExpectError(R"(1)", "/1/0/1/0", ErrorCode::kInvalidArgument, "the resource is single");
  ExpectError(R"({"vaule":1})", "/1/0/1", ErrorCode::kInvalidArgument,
              "unexpected member \"vaule\"");
  ExpectError(R"({"name":"Lifetime"})", "/1/0/1", ErrorCode::kInvalidArgument,
              "\"value\" is missing");
  ExpectError(R"({"id":2,"value":1})", "/1/0/1", ErrorCode::kInvalidArgument,
              "\"id\" number 2 does not match the path");
  ExpectError(R"({"path":"/1/0/2","value":1})", "/1/0/1", ErrorCode::kInvalidArgument,
              "does not match the request's");
  ExpectError(R"({"resources":[{"value":1}]})", "/1/0", ErrorCode::kInvalidArgument,
              "/1/0: each entry of \"resources\" needs an \"id\"");
  ExpectError(R"({"resources":[{"id":1,"value":1},{"id":1,"value":2}]})", "/1/0",
              ErrorCode::kInvalidArgument, "id 1 appears twice in \"resources\"");
  ExpectError(R"({"resources":[]})", "/1/0", ErrorCode::kInvalidArgument, "is empty");
  ExpectError(R"({"resources":{"1":300}})", "/1/0", ErrorCode::kInvalidArgument,
              "\"resources\" must be an array");
  ExpectError(R"({"resources":[{"id":1,"value":1,"path":"/1/0/1"}]})", "/1/0",
              ErrorCode::kInvalidArgument, "/1/0/1: unexpected member \"path\"");
  ExpectError(R"({"series":[{"value":1}]})", "/1/0/1", ErrorCode::kInvalidArgument,
              "a series cannot be written");
  ExpectError(R"({"instances":[{"id":0,"value":"x"}]})", "/1/0/24", ErrorCode::kInvalidArgument,
              "/1/0/24/0: Objlnk expected");
}

}  // namespace
}  // namespace custos::lwm2m
