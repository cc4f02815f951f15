// The device manager against a device played by a real CoAP endpoint on a free local port:
// each operation on the wire, the format choice, the error mapping, time-outs, observations
// and Send.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "core/core.h"
#include "fake_device.h"
#include "lwm2m/format/format.h"
#include "lwm2m/server/server.h"

namespace custos::lwm2m::server {
namespace {

using std::chrono::milliseconds;
using testing::FakeDevice;

constexpr core::DeviceId kDevice = 7;

std::string Text(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

class DeviceManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(device_.ok());
    coap::EndpointOptions options;
    options.listen = "127.0.0.1:0";
    auto server = coap::Endpoint::Start(options, [](coap::IncomingRequest, coap::Responder r) {
      coap::Message m;
      m.code = coap::codes::kNotFound;
      r.Respond(m);
    });
    ASSERT_TRUE(server);
    server_ = std::move(*server);
    sub_ = events_.Subscribe({});
    MakeManager(milliseconds(5'000));
  }
  void TearDown() override {
    server_->Stop();
    manager_.reset();
  }

  void MakeManager(milliseconds timeout) {
    ManagementHooks hooks;
    hooks.apply_reported = [this](core::DeviceId id, const boost::json::object& patch) {
      std::lock_guard lock(mu_);
      patches_.emplace_back(id, patch);
    };
    manager_ = std::make_unique<DeviceManager>(
        ManagementOptions{timeout}, table_,
        [this](bool secure) { return secure ? nullptr : server_.get(); }, objects_, events_,
        core::SystemClock(), std::move(hooks));
  }

  // Registers the fake device as kDevice with `version` and the declared formats.
  Registration Register(format::Lwm2mVersion version = format::Lwm2mVersion::kV1_0,
                        std::vector<std::uint16_t> formats = {}, std::string root = "/") {
    Registration r;
    r.id = "r1";
    r.endpoint = "dev7";
    r.device_id = kDevice;
    r.peer = device_.peer();
    r.version = version;
    r.objects.root_path = root;
    r.objects.content_formats = std::move(formats);
    for (int object : {1, 3, 4}) r.objects.objects.push_back({Path::Instance(object, 0), ""});
    table_.Put(r);
    return r;
  }

  DmResult<boost::json::value> Call(ManagementCall call) {
    call.device = kDevice;
    return manager_->Call(call);
  }
  DmResult<boost::json::value> Read(std::string path, std::string format = "") {
    ManagementCall call;
    call.path = std::move(path);
    call.format = std::move(format);
    return Call(call);
  }

  std::optional<core::Event> NextEvent(const std::string& type) {
    for (;;) {
      auto e = sub_->Next(5'000);
      if (!e) return std::nullopt;
      if (e->type == type) return e;
    }
  }

  // Waits until a patch with `member` arrived; returns it.
  std::optional<boost::json::object> WaitPatch(const std::string& member) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      manager_->Drain();
      {
        std::lock_guard lock(mu_);
        for (const auto& [id, patch] : patches_) {
          if (patch.contains(member)) return patch;
        }
      }
      std::this_thread::yield();
    }
    return std::nullopt;
  }

  FakeDevice device_;
  std::unique_ptr<coap::Endpoint> server_;
  RegistrationTable table_;
  ObjectRegistry objects_;
  core::EventBus events_{core::SystemClock()};
  std::shared_ptr<core::EventSubscription> sub_;
  std::unique_ptr<DeviceManager> manager_;
  std::mutex mu_;
  std::vector<std::pair<core::DeviceId, boost::json::object>> patches_;
};

TEST_F(DeviceManagerTest, ReadsAValueOfA10DeviceInPlainText) {
  Register();
  device_.Answer(coap::codes::kGet, "/3/0/0", coap::codes::kContent, "Acme", 0);
  auto read = Read("/3/0/0");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->at("value").as_string(), "Acme");
  EXPECT_EQ(read->at("name").as_string(), "Manufacturer");
  auto requests = device_.Requests(1);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(coap::Accept(requests[0].message.options), 0);
}

TEST_F(DeviceManagerTest, ReadsAnInstanceOfA10DeviceInTlv) {
  Register();
  std::vector<Record> records = {{Path::Resource(3, 0, 0), std::string("Acme"), {}},
                                 {Path::Resource(3, 0, 9), std::int64_t{87}, {}}};
  auto tlv = format::Encode(format::ContentFormat::kTlv, records, Path::Instance(3, 0));
  ASSERT_TRUE(tlv);
  device_.Answer(coap::codes::kGet, "/3/0", coap::codes::kContent, Text(*tlv), 11542);
  auto read = Read("/3/0");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->at("path").as_string(), "/3/0");
  const auto& resources = read->at("resources").as_array();
  ASSERT_EQ(resources.size(), 2u);
  EXPECT_EQ(resources[1].at("value").as_int64(), 87);
  EXPECT_EQ(coap::Accept(device_.Requests(1)[0].message.options), 11542);
}

TEST_F(DeviceManagerTest, AsksA11DeviceForTheSenmlItDeclaredAndHonoursTheFormatOverride) {
  Register(format::Lwm2mVersion::kV1_1, {110});
  device_.Answer(coap::codes::kGet, "/3/0", coap::codes::kContent,
                 R"([{"bn":"/3/0/","n":"0","vs":"Acme"}])", 110);
  ASSERT_TRUE(Read("/3/0"));
  ASSERT_FALSE(Read("/3/0", "nonsense"));
  device_.Answer(coap::codes::kGet, "/3/0", coap::codes::kContent, "", 11542);
  ASSERT_TRUE(Read("/3/0", "tlv"));
  auto requests = device_.Requests(2);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(coap::Accept(requests[0].message.options), 110);
  EXPECT_EQ(coap::Accept(requests[1].message.options), 11542);
}

TEST_F(DeviceManagerTest, HonoursTheRootPath) {
  Register(format::Lwm2mVersion::kV1_0, {}, "/lwm2m");
  device_.Answer(coap::codes::kGet, "/lwm2m/3/0/0", coap::codes::kContent, "Acme", 0);
  auto read = Read("/3/0/0");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->at("value").as_string(), "Acme");
}

TEST_F(DeviceManagerTest, MapsTheDevicesErrorsToHttpWithTheCoapCode) {
  Register();
  struct Case {
    coap::Code code;
    const char* text;
    int http;
  };
  for (const Case& c :
       {Case{coap::codes::kNotFound, "4.04", 404},
        Case{coap::codes::kMethodNotAllowed, "4.05", 405},
        Case{coap::codes::kNotAcceptable, "4.06", 406}, Case{coap::codes::kBadRequest, "4.00", 400},
        Case{coap::codes::kUnauthorized, "4.01", 401}, Case{coap::codes::kForbidden, "4.03", 403},
        Case{coap::codes::kInternalServerError, "5.00", 502}}) {
    device_.Answer(coap::codes::kGet, "/3/0/0", c.code);
    auto read = Read("/3/0/0");
    ASSERT_FALSE(read) << c.text;
    EXPECT_EQ(read.error().coap_code, c.text);
    EXPECT_EQ(read.error().reason, "coap_error");
    EXPECT_EQ(HttpStatus(read.error()), c.http) << c.text;
  }
}

TEST_F(DeviceManagerTest, RefusesADeviceWithoutRegistrationWith409) {
  auto read = Read("/3/0/0");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().reason, "device_not_registered");
  EXPECT_EQ(HttpStatus(read.error()), 409);
}

TEST_F(DeviceManagerTest, ADeviceThatNeverAnswersTimesOutWith504) {
  MakeManager(milliseconds(200));
  Register();
  device_.On(coap::codes::kGet, "/3/0/0",
             [](const coap::IncomingRequest&) { return std::optional<coap::Message>(); });
  auto read = Read("/3/0/0");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, core::ErrorCode::kTimeout);
  EXPECT_EQ(HttpStatus(read.error()), 504);
}

TEST_F(DeviceManagerTest, WritesAValueInPlainTextAndAnInstanceInTlv) {
  Register();
  device_.Answer(coap::codes::kPut, "/1/0/1", coap::codes::kChanged);
  device_.Answer(coap::codes::kPost, "/1/0", coap::codes::kChanged);
  ManagementCall write;
  write.kind = ManagementCall::Kind::kWrite;
  write.path = "/1/0/1";
  write.body = 300;
  auto written = Call(write);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->at("code").as_string(), "2.04");

  ManagementCall partial;
  partial.kind = ManagementCall::Kind::kWritePartial;
  partial.path = "/1/0";
  partial.body = boost::json::parse(R"({"resources": [{"id": 1, "value": 60}]})");
  auto updated = Call(partial);
  ASSERT_TRUE(updated) << updated.error().message;

  auto requests = device_.Requests(2);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].message.code, coap::codes::kPut);
  EXPECT_EQ(coap::ContentFormat(requests[0].message.options), 0);
  EXPECT_EQ(Text(requests[0].message.payload), "300");
  EXPECT_EQ(requests[1].message.code, coap::codes::kPost);
  EXPECT_EQ(coap::ContentFormat(requests[1].message.options), 11542);
  auto decoded = format::Decode(format::ContentFormat::kTlv, requests[1].message.payload,
                                Path::Instance(1, 0), objects_.ResolverFor({}));
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ((*decoded)[0].path, Path::Resource(1, 0, 1));
}

TEST_F(DeviceManagerTest, RefusesAWriteTheModelForbidsWithoutSendingIt) {
  Register();
  ManagementCall write;
  write.kind = ManagementCall::Kind::kWrite;
  write.path = "/3/0/0";  // Manufacturer is read-only
  write.body = "Evil";
  auto written = Call(write);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().reason, "invalid_value");
  EXPECT_TRUE(device_.Requests(0, milliseconds(0)).empty());
}

TEST_F(DeviceManagerTest, ExecutesWithArguments) {
  Register();
  device_.Answer(coap::codes::kPost, "/3/0/4", coap::codes::kChanged);
  ManagementCall execute;
  execute.kind = ManagementCall::Kind::kExecute;
  execute.path = "/3/0/4";
  execute.arguments = "0='now'";
  ASSERT_TRUE(Call(execute));
  auto requests = device_.Requests(1);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].message.code, coap::codes::kPost);
  EXPECT_EQ(Text(requests[0].message.payload), "0='now'");
}

TEST_F(DeviceManagerTest, CreatesAndDeletesAnInstance) {
  Register();
  device_.On(coap::codes::kPost, "/1", [](const coap::IncomingRequest&) {
    coap::Message m;
    m.code = coap::codes::kCreated;
    coap::SetLocationPath(m.options, "/1/5");
    return std::optional<coap::Message>(m);
  });
  device_.Answer(coap::codes::kDelete, "/1/5", coap::codes::kDeleted);
  ManagementCall create;
  create.kind = ManagementCall::Kind::kCreate;
  create.path = "/1";
  create.body = boost::json::parse(
      R"({"id": 5, "resources": [{"id": 0, "value": 2}, {"id": 1, "value": 60},
                                 {"id": 7, "value": "U"}]})");
  auto created = Call(create);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->at("path").as_string(), "/1/5");
  ManagementCall remove;
  remove.kind = ManagementCall::Kind::kDelete;
  remove.path = "/1/5";
  auto deleted = Call(remove);
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(deleted->at("code").as_string(), "2.02");
}

TEST_F(DeviceManagerTest, WritesValidatedAttributesAsQueries) {
  Register();
  device_.Answer(coap::codes::kPut, "/3/0/9", coap::codes::kChanged);
  ManagementCall call;
  call.kind = ManagementCall::Kind::kWriteAttributes;
  call.path = "/3/0/9";
  call.body = boost::json::parse(R"({"pmin": 10, "pmax": 60, "gt": 50})");
  ASSERT_TRUE(Call(call));
  auto requests = device_.Requests(1);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(coap::UriQuery(requests[0].message.options), "pmin=10&pmax=60&gt=50");

  call.body = boost::json::parse(R"({"pmin": 60, "pmax": 10})");
  auto refused = Call(call);
  ASSERT_FALSE(refused);
  EXPECT_EQ(HttpStatus(refused.error()), 400);
  EXPECT_EQ(device_.Requests(0, milliseconds(0)).size(), 1u);
}

TEST_F(DeviceManagerTest, DiscoverListsLinksWithTheirAttributes) {
  Register(format::Lwm2mVersion::kV1_0, {}, "/lwm2m");
  device_.Answer(coap::codes::kGet, "/lwm2m/3/0", coap::codes::kContent,
                 "</lwm2m/3/0>;pmin=10,</lwm2m/3/0/9>;gt=50,</lwm2m/3/0/11>;dim=2", 40);
  ManagementCall call;
  call.kind = ManagementCall::Kind::kDiscover;
  call.path = "/3/0";
  auto found = Call(call);
  ASSERT_TRUE(found) << found.error().message;
  const auto& links = found->at("links").as_array();
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[1].at("path").as_string(), "/3/0/9");
  EXPECT_EQ(links[1].at("attributes").at("gt").as_double(), 50);
  EXPECT_EQ(coap::Accept(device_.Requests(1)[0].message.options), 40);
}

TEST_F(DeviceManagerTest, CompositeOperationsNeedADeclaredSenmlFormat) {
  Register();
  ManagementCall call;
  call.kind = ManagementCall::Kind::kReadComposite;
  call.paths = {"/3/0/0", "/1/0/1"};
  auto refused = Call(call);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, "unsupported_by_device");
}

TEST_F(DeviceManagerTest, ReadCompositeFetchesThePathsInSenml) {
  Register(format::Lwm2mVersion::kV1_1, {110});
  device_.Answer(coap::Code::Of(0, 5), "/", coap::codes::kContent,
                 R"([{"n":"/3/0/0","vs":"Acme"},{"n":"/1/0/1","v":300}])", 110);
  ManagementCall call;
  call.kind = ManagementCall::Kind::kReadComposite;
  call.paths = {"/3/0/0", "/1/0/1"};
  auto read = Call(call);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->at("objects").as_array().size(), 2u);
  auto requests = device_.Requests(1);
  ASSERT_EQ(requests.size(), 1u);
  auto paths = format::DecodePaths(format::ContentFormat::kSenmlJson, requests[0].message.payload);
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->size(), 2u);
}

TEST_F(DeviceManagerTest, WriteCompositeSendsAnIpatch) {
  Register(format::Lwm2mVersion::kV1_1, {110});
  device_.Answer(coap::Code::Of(0, 7), "/", coap::codes::kChanged);
  ManagementCall call;
  call.kind = ManagementCall::Kind::kWriteComposite;
  call.body = boost::json::parse(
      R"({"objects": [{"id": 1, "instances": [{"id": 0, "resources": [{"id": 1, "value": 60}]}]}]})");
  auto written = Call(call);
  ASSERT_TRUE(written) << written.error().message;
  auto requests = device_.Requests(1);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(coap::ContentFormat(requests[0].message.options), 110);
}

coap::Message Battery(int level) {
  coap::Message m;
  m.code = coap::codes::kContent;
  coap::SetContentFormat(m.options, 0);
  std::string text = std::to_string(level);
  m.payload.assign(text.begin(), text.end());
  return m;
}

TEST_F(DeviceManagerTest, ObservesPublishesNotificationsAndCancels) {
  Register();
  device_.Observable("/3/0/9", [](const coap::IncomingRequest&) {
    return std::optional<coap::Message>(Battery(90));
  });
  ManagementCall observe;
  observe.kind = ManagementCall::Kind::kObserve;
  observe.paths = {"/3/0/9"};
  auto started = Call(observe);
  ASSERT_TRUE(started) << started.error().message;
  const std::string id(started->at("id").as_string());
  EXPECT_EQ(started->at("value").at("value").as_int64(), 90);

  ManagementCall list;
  list.kind = ManagementCall::Kind::kObservations;
  auto listed = Call(list);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->at("observations").as_array().size(), 1u);

  device_.Notify("/3/0/9", Battery(42));
  auto event = NextEvent("lwm2m.notification");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->device_id, kDevice);
  auto data = boost::json::parse(event->data_json);
  EXPECT_EQ(data.at("observation").as_string(), id);
  EXPECT_EQ(data.at("value").at("value").as_int64(), 42);
  auto patch = WaitPatch("battery_level");
  ASSERT_TRUE(patch);

  ManagementCall cancel;
  cancel.kind = ManagementCall::Kind::kCancelObservation;
  cancel.observation = id;
  cancel.active = true;
  ASSERT_TRUE(Call(cancel));
  listed = Call(list);
  EXPECT_TRUE(listed->at("observations").as_array().empty());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (device_.ActiveObservers("/3/0/9") > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(device_.ActiveObservers("/3/0/9"), 0u);

  cancel.observation = "o999";
  auto unknown = Call(cancel);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(HttpStatus(unknown.error()), 404);
}

TEST_F(DeviceManagerTest, FillsTheDeviceModelAfterRegistrationAndObservesTheBattery) {
  auto registration = Register();
  std::vector<Record> records = {{Path::Resource(3, 0, 0), std::string("Acme"), {}},
                                 {Path::Resource(3, 0, 9), std::int64_t{87}, {}}};
  auto tlv = format::Encode(format::ContentFormat::kTlv, records, Path::Instance(3, 0));
  ASSERT_TRUE(tlv);
  device_.Answer(coap::codes::kGet, "/3/0", coap::codes::kContent, Text(*tlv), 11542);
  device_.Observable("/3/0/9", [](const coap::IncomingRequest&) {
    return std::optional<coap::Message>(Battery(87));
  });
  manager_->OnRegistered(registration);
  auto patch = WaitPatch("manufacturer");
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->at("manufacturer").as_string(), "Acme");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (device_.ActiveObservers("/3/0/9") == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(device_.ActiveObservers("/3/0/9"), 1u);
}

TEST_F(DeviceManagerTest, TakesASendFromARegisteredPeerOnly) {
  auto registration = Register(format::Lwm2mVersion::kV1_1, {110});
  coap::IncomingRequest send;
  send.peer = registration.peer;
  send.message.code = coap::codes::kPost;
  coap::SetUriPath(send.message.options, "/dp");
  coap::SetContentFormat(send.message.options, 110);
  std::string body = R"([{"n":"/3/0/9","v":55}])";
  send.message.payload.assign(body.begin(), body.end());

  // Before the manager heard of the registration, the peer is unknown.
  EXPECT_EQ(manager_->AnswerSend(false, send).code, coap::codes::kForbidden);
  manager_->OnUpdated(registration, registration);
  EXPECT_EQ(manager_->AnswerSend(false, send).code, coap::codes::kChanged);
  auto event = NextEvent("lwm2m.send");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->device_id, kDevice);
  auto patch = WaitPatch("battery_level");
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->at("battery_level").as_int64(), 55);

  coap::SetContentFormat(send.message.options, 0);
  EXPECT_EQ(manager_->AnswerSend(false, send).code, coap::codes::kUnsupportedContentFormat);
}

}  // namespace
}  // namespace custos::lwm2m::server
