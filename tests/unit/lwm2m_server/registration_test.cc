#include <gtest/gtest.h>

#include "lwm2m/server/server.h"

namespace custos::lwm2m::server {
namespace {

constexpr std::uint16_t kLinkFormat = 40;

Parsed<RegisterRequest> Register(std::vector<std::string> query, std::string_view payload = "",
                                 std::optional<std::uint16_t> format = kLinkFormat) {
  return ParseRegister(query, format, payload);
}

TEST(ParseRegisterTest, ReadsEveryParameterAndTheObjectList) {
  auto r = Register({"ep=dev1", "lt=60", "lwm2m=1.1", "b=U", "sms=+123", "Q"},
                    R"(</>;rt="oma.lwm2m";ct="60 110",</1>;ver=1.1,</3/0>,</5>)");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->endpoint, "dev1");
  EXPECT_EQ(r->lifetime_s, 60);
  EXPECT_EQ(r->version, format::Lwm2mVersion::kV1_1);
  EXPECT_EQ(r->version_text, "1.1");
  EXPECT_EQ(r->binding, "U");
  EXPECT_EQ(r->sms, "+123");
  EXPECT_TRUE(r->queue_mode);
  EXPECT_EQ(r->objects.root_path, "/");
  EXPECT_EQ(r->objects.content_formats, (std::vector<std::uint16_t>{60, 110}));
  ASSERT_EQ(r->objects.objects.size(), 3u);
  EXPECT_EQ(r->objects.objects[0], (ObjectLink{Path::Object(1), "1.1"}));
  EXPECT_EQ(r->objects.objects[1], (ObjectLink{Path::Instance(3, 0), ""}));
  EXPECT_EQ(r->objects.objects[2], (ObjectLink{Path::Object(5), ""}));
}

TEST(ParseRegisterTest, DefaultsForA10Client) {
  auto r = Register({"ep=urn:imei:490154203237518"}, "</3/0>");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->lifetime_s, kDefaultLifetimeS);
  EXPECT_EQ(r->version, format::Lwm2mVersion::kV1_0);
  EXPECT_EQ(r->binding, "U");
  EXPECT_FALSE(r->queue_mode);
}

TEST(ParseRegisterTest, AcceptsLwm2m12AndThe10QueueBinding) {
  auto r = Register({"ep=a", "lwm2m=1.2", "b=UQ"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->version, format::Lwm2mVersion::kV1_2);
  EXPECT_EQ(r->binding, "U");
  EXPECT_TRUE(r->queue_mode);
}

TEST(ParseRegisterTest, AlternateRootPathPrefixesTheObjects) {
  auto r = Register({"ep=a"}, R"(</lwm2m>;rt="oma.lwm2m",</lwm2m/1/0>,</lwm2m/3/0>)");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->objects.root_path, "/lwm2m");
  ASSERT_EQ(r->objects.objects.size(), 2u);
  EXPECT_EQ(r->objects.objects[1].path, Path::Instance(3, 0));
}

TEST(ParseRegisterTest, IgnoresUnknownParameters) {
  auto r = Register({"ep=a", "d=domain", "et=sensor", "pid=7"});
  ASSERT_TRUE(r) << r.error().message;
}

struct BadCase {
  std::vector<std::string> query;
  std::string payload;
  RefusalKind kind;
  std::string mentions;
};

TEST(ParseRegisterTest, RefusesBadParametersWithADiagnostic) {
  const std::vector<BadCase> cases = {
      {{"lt=60"}, "", RefusalKind::kBadRequest, "ep"},
      {{"ep="}, "", RefusalKind::kBadRequest, "ep"},
      {{"ep=bad name"}, "", RefusalKind::kBadRequest, "ep"},
      {{"ep=a", "lt=abc"}, "", RefusalKind::kBadRequest, "lt"},
      {{"ep=a", "lt=-5"}, "", RefusalKind::kBadRequest, "lt"},
      {{"ep=a", "lt=0"}, "", RefusalKind::kBadRequest, "lt"},
      {{"ep=a", "lt=4294967296"}, "", RefusalKind::kBadRequest, "lt"},
      {{"ep=a", "lt"}, "", RefusalKind::kBadRequest, "lt"},
      {{"ep=a", "b=X"}, "", RefusalKind::kBadRequest, "binding"},
      {{"ep=a", "b=UU"}, "", RefusalKind::kBadRequest, "binding"},
      {{"ep=a", "b="}, "", RefusalKind::kBadRequest, "binding"},
      {{"ep=a", "Q=1"}, "", RefusalKind::kBadRequest, "Q"},
      {{"ep=a", "lwm2m=one"}, "", RefusalKind::kBadRequest, "lwm2m"},
      {{"ep=a", "lwm2m=2.0"}, "", RefusalKind::kUnsupportedVersion, "2.0"},
      {{"ep=a"}, "</3/0", RefusalKind::kBadRequest, "link format"},
      {{"ep=a"}, "</3/0/1>", RefusalKind::kBadRequest, "object"},
      {{"ep=a"}, "</x>", RefusalKind::kBadRequest, "object"},
      {{"ep=a"}, "</1>;ver=one", RefusalKind::kBadRequest, "ver"},
      {{"ep=a"}, R"(</>;ct=abc,</1>)", RefusalKind::kBadRequest, "root"},
      {{"ep=a"}, R"(</lwm2m>;rt="oma.lwm2m",</1>)", RefusalKind::kBadRequest, "root"},
  };
  for (const auto& c : cases) {
    auto r = Register(c.query, c.payload);
    ASSERT_FALSE(r) << c.query.back() << " " << c.payload;
    EXPECT_EQ(r.error().kind, c.kind) << r.error().message;
    EXPECT_NE(r.error().message.find(c.mentions), std::string::npos) << r.error().message;
  }
}

TEST(ParseRegisterTest, RefusesAPayloadThatIsNotLinkFormat) {
  auto r = Register({"ep=a"}, "</1>", 50);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RefusalKind::kUnsupportedFormat);
}

TEST(ParseUpdateTest, UnsetParametersStayUnset) {
  std::vector<std::string> query;
  auto u = ParseUpdate(query, std::nullopt, "");
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->lifetime_s);
  EXPECT_FALSE(u->binding);
  EXPECT_FALSE(u->queue_mode);
  EXPECT_FALSE(u->objects);
}

TEST(ParseUpdateTest, ReadsLifetimeBindingAndObjects) {
  std::vector<std::string> query = {"lt=120", "b=UQ"};
  auto u = ParseUpdate(query, kLinkFormat, "</3/0>,</4/0>");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->lifetime_s, 120);
  EXPECT_EQ(u->binding, "U");
  EXPECT_EQ(u->queue_mode, true);
  ASSERT_TRUE(u->objects);
  EXPECT_EQ(u->objects->objects.size(), 2u);
}

TEST(ParseUpdateTest, RefusesRegisterOnlyParameters) {
  std::vector<std::string> query = {"ep=other"};
  EXPECT_FALSE(ParseUpdate(query, std::nullopt, ""));
  query = {"lt=x"};
  EXPECT_FALSE(ParseUpdate(query, std::nullopt, ""));
}

TEST(ParseBindingTest, Letters) {
  EXPECT_EQ(ParseBinding("U")->transports, "U");
  EXPECT_EQ(ParseBinding("UT")->transports, "UT");
  EXPECT_TRUE(ParseBinding("UQS")->queue);
  EXPECT_FALSE(ParseBinding("Q"));
  EXPECT_FALSE(ParseBinding("u"));
  EXPECT_FALSE(ParseBinding("UQQ"));
}

}  // namespace
}  // namespace custos::lwm2m::server
