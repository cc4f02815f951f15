// The client against a coap::Endpoint playing the LwM2M server on real sockets: the
// registration interface, each Device Management operation, observations with their
// attributes, Send, firmware update and queue mode. Time is a FakeClock moved by the test;
// the client's timer thread is off and the test calls Tick().
#include "lwm2m/client/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

namespace custos::lwm2m::client {
namespace {

using namespace std::chrono_literals;
namespace codes = coap::codes;
using format::ContentFormat;

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::yield();
  }
  return condition();
}

std::string Text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    coap::EndpointOptions options;
    options.listen = "127.0.0.1:0";
    auto started = coap::Endpoint::Start(
        options, [this](coap::IncomingRequest request, coap::Responder responder) {
          coap::Message response;
          const std::string path = coap::UriPath(request.message.options);
          if (path == "/rd" && request.message.code == codes::kPost) {
            response.code = codes::kCreated;
            coap::SetLocationPath(response.options, "/rd/abc");
          } else if (path == "/rd/abc" && request.message.code == codes::kPost) {
            response.code = forget_ ? codes::kNotFound : codes::kChanged;
          } else if (path == "/rd/abc" && request.message.code == codes::kDelete) {
            response.code = codes::kDeleted;
          } else if (path == "/dp") {
            response.code = codes::kChanged;
          } else if (path == "/fw.bin") {
            response.code = codes::kContent;
            response.payload.assign(firmware_.begin(), firmware_.end());
          } else {
            response.code = codes::kNotFound;
          }
          {
            std::lock_guard lock(mutex_);
            requests_.push_back(request.message);
          }
          responder.Respond(std::move(response));
        });
    ASSERT_TRUE(started) << started.error().message;
    server_ = std::move(*started);
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
  }

  void StartClient(ClientOptions options = {}) {
    options.run_timer = false;
    options.transmission.ack_timeout = 200ms;
    options.transmission.max_retransmit = 2;
    auto started =
        Client::Start(options, "coap://127.0.0.1:" + std::to_string(server_->port()), clock_);
    ASSERT_TRUE(started) << started.error().message;
    client_ = std::move(*started);
  }
  void StartRegistered(ClientOptions options = {}) {
    StartClient(std::move(options));
    ASSERT_TRUE(client_->Register(5s));
  }
  std::vector<coap::Message> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  coap::Peer ClientPeer() const { return coap::Peer::V4({127, 0, 0, 1}, client_->port()); }

  // A request from the server to the client, waiting for the answer.
  core::Result<coap::Message> Ask(coap::Code method, std::string path,
                                  std::optional<ContentFormat> accept = std::nullopt,
                                  std::optional<ContentFormat> content = std::nullopt,
                                  std::vector<std::uint8_t> payload = {}, std::string query = {}) {
    coap::Message request;
    request.code = method;
    coap::SetUriPath(request.options, path);
    if (!query.empty()) coap::SetUriQuery(request.options, query);
    if (accept) coap::SetAccept(request.options, IdOf(*accept));
    if (content) coap::SetContentFormat(request.options, IdOf(*content));
    request.payload = std::move(payload);
    std::promise<core::Result<coap::Message>> answer;
    auto future = answer.get_future();
    server_->Request(ClientPeer(), request, {},
                     [&](core::Result<coap::Message> r) { answer.set_value(std::move(r)); });
    if (future.wait_for(10s) != std::future_status::ready) {
      return core::MakeError(core::ErrorCode::kTimeout, "no answer");
    }
    return future.get();
  }
  std::vector<Record> Decode(const coap::Message& response, const Path& base) {
    auto format = format::ContentFormatFromId(coap::ContentFormat(response.options).value_or(0));
    EXPECT_TRUE(format);
    ObjectRegistry registry;
    auto records = format::Decode(*format, response.payload, base, registry.ResolverFor({}));
    EXPECT_TRUE(records) << records.error().message;
    return records.value_or(std::vector<Record>{});
  }

  core::FakeClock clock_{1'800'000'000'000};
  std::unique_ptr<coap::Endpoint> server_;
  std::unique_ptr<Client> client_;
  std::mutex mutex_;
  std::vector<coap::Message> requests_;
  std::atomic<bool> forget_{false};
  std::string firmware_ = "custos-firmware 2.0.0\nbinary";
};

TEST_F(ClientTest, RegistersWithItsParametersAndObjectList) {
  ClientOptions options;
  options.endpoint_name = "dev1";
  options.lifetime_s = 120;
  options.version = format::Lwm2mVersion::kV1_1;
  StartRegistered(options);
  EXPECT_TRUE(client_->registered());
  EXPECT_EQ(client_->location(), "/rd/abc");
  const coap::Message reg = Requests().at(0);
  EXPECT_EQ(coap::UriQuery(reg.options), "ep=dev1&lt=120&lwm2m=1.1&b=U");
  EXPECT_EQ(coap::ContentFormat(reg.options), 40);
  const std::string links = Text(reg.payload);
  EXPECT_NE(links.find("</>;rt=\"oma.lwm2m\";ct=\"60 110 112 11542 11543\""), std::string::npos)
      << links;
  for (const char* object : {"</1/0>", "</3/0>", "</4/0>", "</5/0>", "</6/0>"}) {
    EXPECT_NE(links.find(object), std::string::npos) << object << " in " << links;
  }
}

TEST_F(ClientTest, Lwm2m10QueueModeGoesInTheBinding) {
  ClientOptions options;
  options.endpoint_name = "old";
  options.version = format::Lwm2mVersion::kV1_0;
  options.queue_mode = true;
  StartRegistered(options);
  EXPECT_EQ(coap::UriQuery(Requests().at(0).options), "ep=old&lt=300&lwm2m=1.0&b=UQ");
  EXPECT_EQ(Text(Requests().at(0).payload).find("</>"), std::string::npos);
}

TEST_F(ClientTest, UpdatesBeforeTheLifetimeRunsOutAndRegistersAgainWhenForgotten) {
  ClientOptions options;
  options.lifetime_s = 100;
  StartRegistered(options);
  client_->Tick();
  EXPECT_EQ(client_->updates(), 0);
  clock_.Advance(89'000);
  client_->Tick();
  EXPECT_EQ(client_->updates(), 0);
  clock_.Advance(2'000);  // 90% of the lifetime
  client_->Tick();
  ASSERT_TRUE(WaitUntil([&] { return Requests().size() == 2; }));
  EXPECT_EQ(coap::UriPath(Requests().at(1).options), "/rd/abc");
  EXPECT_EQ(coap::UriQuery(Requests().at(1).options), "lt=100");

  forget_ = true;
  // The 4.04 makes it register again, and the Update succeeds with that Register.
  ASSERT_TRUE(client_->Update(false, 5s));
  ASSERT_TRUE(WaitUntil([&] { return client_->registrations() == 2 && client_->registered(); }));
  ASSERT_TRUE(client_->Deregister(5s));
  EXPECT_EQ(Requests().back().code, codes::kDelete);
  EXPECT_FALSE(client_->registered());
}

TEST_F(ClientTest, ReadsInTlvForLwm2m10AndSenmlCborForLaterVersionsOrWhatIsAccepted) {
  ClientOptions options;
  options.version = format::Lwm2mVersion::kV1_0;
  StartRegistered(options);
  auto tlv = Ask(codes::kGet, "/3/0");
  ASSERT_TRUE(tlv);
  EXPECT_EQ(tlv->code, codes::kContent);
  EXPECT_EQ(coap::ContentFormat(tlv->options), IdOf(ContentFormat::kTlv));
  bool found = false;
  for (const Record& record : Decode(*tlv, Path::Instance(3, 0))) {
    if (record.path == Path::Resource(3, 0, 0))
      found = record.value == Value{std::string("Custos")};
  }
  EXPECT_TRUE(found);
  auto text = Ask(codes::kGet, "/3/0/9", ContentFormat::kPlainText);
  ASSERT_TRUE(text);
  EXPECT_EQ(Text(text->payload), "87");
  auto refused = Ask(codes::kGet, "/3/0/9", ContentFormat::kSenmlCbor);  // 1.0 has no SenML
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, codes::kNotAcceptable);
  auto instance_as_text = Ask(codes::kGet, "/3/0", ContentFormat::kPlainText);
  ASSERT_TRUE(instance_as_text);
  EXPECT_EQ(instance_as_text->code, codes::kNotAcceptable);
}

TEST_F(ClientTest, AnswersTheErrorsOfTheSpecification) {
  StartRegistered();
  auto senml = Ask(codes::kGet, "/3/0/0");
  ASSERT_TRUE(senml);
  EXPECT_EQ(coap::ContentFormat(senml->options), IdOf(ContentFormat::kSenmlCbor));
  EXPECT_EQ(Ask(codes::kGet, "/3/7")->code, codes::kNotFound);
  EXPECT_EQ(Ask(codes::kGet, "/42")->code, codes::kNotFound);
  EXPECT_EQ(Ask(codes::kGet, "/3/0/4")->code, codes::kMethodNotAllowed);  // executable
  EXPECT_EQ(Ask(codes::kPut, "/3/0/9", {}, ContentFormat::kPlainText, {'5'})->code,
            codes::kMethodNotAllowed);  // read-only
  EXPECT_EQ(Ask(codes::kPut, "/3/0/13", {}, ContentFormat::kPlainText, {'x'})->code,
            codes::kBadRequest);
  EXPECT_EQ(Ask(codes::kPost, "/3/0/9")->code, codes::kMethodNotAllowed);  // not executable
}

TEST_F(ClientTest, WritesReplaceAndPartialUpdate) {
  StartRegistered();
  auto written = Ask(codes::kPut, "/3/0/13", {}, ContentFormat::kPlainText, {'1', '2', '3', '4'});
  ASSERT_TRUE(written);
  EXPECT_EQ(written->code, codes::kChanged);
  EXPECT_EQ(client_->GetValue(Path::Resource(3, 0, 13)), Value{TimeValue{1234}});
  const Record records[] = {{Path::Resource(3, 0, 14), Value{std::string("+02:00")}, {}},
                            {Path::Resource(3, 0, 15), Value{std::string("Europe/Paris")}, {}}};
  auto payload = format::Encode(ContentFormat::kSenmlJson, records, Path::Instance(3, 0));
  ASSERT_TRUE(payload);
  auto partial = Ask(codes::kPost, "/3/0", {}, ContentFormat::kSenmlJson, *payload);
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->code, codes::kChanged);
  EXPECT_EQ(client_->GetValue(Path::Resource(3, 0, 15)), Value{std::string("Europe/Paris")});
  EXPECT_EQ(client_->GetValue(Path::Resource(3, 0, 13)), Value{TimeValue{1234}});
}

TEST_F(ClientTest, DiscoverListsResourcesWithTheirAttributes) {
  StartRegistered();
  auto attributes = Ask(codes::kPut, "/3/0/9", {}, {}, {}, "pmin=10&pmax=60&gt=50");
  ASSERT_TRUE(attributes);
  EXPECT_EQ(attributes->code, codes::kChanged);
  auto discover = Ask(codes::kGet, "/3/0", ContentFormat::kLinkFormat);
  ASSERT_TRUE(discover);
  EXPECT_EQ(discover->code, codes::kContent);
  const std::string links = Text(discover->payload);
  EXPECT_NE(links.find("</3/0/9>;pmin=10;pmax=60;gt=50"), std::string::npos) << links;
  EXPECT_NE(links.find("</3/0/11>;dim=1"), std::string::npos) << links;
  EXPECT_NE(links.find("</3/0/4>"), std::string::npos) << links;
  EXPECT_EQ(Ask(codes::kPut, "/3/0/9", {}, {}, {}, "pmin=x")->code, codes::kBadRequest);
  EXPECT_EQ(Ask(codes::kPut, "/3/0/9", {}, {}, {}, "color=1")->code, codes::kBadRequest);
}

TEST_F(ClientTest, ExecuteRebootRegistersAgain) {
  StartRegistered();
  std::atomic<int> reboots{0};
  client_->OnReboot([&] { ++reboots; });
  auto executed = Ask(codes::kPost, "/3/0/4");
  ASSERT_TRUE(executed);
  EXPECT_EQ(executed->code, codes::kChanged);
  client_->Tick();
  EXPECT_EQ(reboots.load(), 1);
  ASSERT_TRUE(WaitUntil([&] { return client_->registrations() == 2 && client_->registered(); }));
}

TEST_F(ClientTest, CreateAndDeleteAnInstance) {
  StartRegistered();
  const Record lifetime{Path::Resource(1, 1, 1), Value{std::int64_t{60}}, std::nullopt};
  auto payload = format::Encode(ContentFormat::kTlv, std::span(&lifetime, 1), Path::Object(1));
  ASSERT_TRUE(payload);
  auto created = Ask(codes::kPost, "/1", {}, ContentFormat::kTlv, *payload);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->code, codes::kCreated);
  EXPECT_EQ(coap::LocationPath(created->options), "/1/1");
  EXPECT_EQ(client_->GetValue(Path::Resource(1, 1, 1)), Value{std::int64_t{60}});
  EXPECT_EQ(Ask(codes::kDelete, "/1/1")->code, codes::kDeleted);
  EXPECT_EQ(Ask(codes::kGet, "/1/1")->code, codes::kNotFound);
}

TEST_F(ClientTest, ReadAndWriteComposite) {
  StartRegistered();
  const Path paths[] = {Path::Resource(3, 0, 0), Path::Resource(6, 0, 0)};
  auto body = format::EncodePaths(ContentFormat::kSenmlCbor, paths);
  ASSERT_TRUE(body);
  auto read = Ask(codes::kFetch, "/", ContentFormat::kSenmlJson, ContentFormat::kSenmlCbor, *body);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->code, codes::kContent);
  EXPECT_EQ(coap::ContentFormat(read->options), IdOf(ContentFormat::kSenmlJson));
  EXPECT_EQ(Decode(*read, Path::Root()).size(), 2u);

  const Record records[] = {{Path::Resource(3, 0, 15), Value{std::string("UTC")}, {}},
                            {Path::Resource(1, 0, 2), Value{std::int64_t{5}}, {}}};
  auto patch = format::Encode(ContentFormat::kSenmlCbor, records, Path::Root());
  ASSERT_TRUE(patch);
  auto written = Ask(codes::kIPatch, "/", {}, ContentFormat::kSenmlCbor, *patch);
  ASSERT_TRUE(written);
  EXPECT_EQ(written->code, codes::kChanged);
  EXPECT_EQ(client_->GetValue(Path::Resource(3, 0, 15)), Value{std::string("UTC")});
  EXPECT_EQ(client_->GetValue(Path::Resource(1, 0, 2)), Value{std::int64_t{5}});
}

// Observations: the server observes; notifications honour pmin, pmax and gt.
class ObserveClientTest : public ClientTest {
 protected:
  coap::ObservationId Observe(coap::Code method, std::string path,
                              std::vector<std::uint8_t> payload = {}) {
    coap::Message request;
    request.code = method;
    coap::SetUriPath(request.options, path);
    if (!payload.empty()) coap::SetContentFormat(request.options, IdOf(ContentFormat::kSenmlCbor));
    request.payload = std::move(payload);
    return server_->Observe(ClientPeer(), request, [this](core::Result<coap::Message> n) {
      std::lock_guard lock(mutex_);
      notifications_.push_back(std::move(n));
    });
  }
  std::size_t Seen() {
    std::lock_guard lock(mutex_);
    return notifications_.size();
  }
  std::vector<core::Result<coap::Message>> notifications_;
};

TEST_F(ObserveClientTest, NotifiesChangesAfterPminAndAtPmax) {
  StartRegistered();
  ASSERT_EQ(Ask(codes::kPut, "/3/0/9", {}, {}, {}, "pmin=10&pmax=60")->code, codes::kChanged);
  Observe(codes::kGet, "/3/0/9");
  ASSERT_TRUE(WaitUntil([&] { return Seen() == 1 && client_->observations() == 1; }));
  ASSERT_TRUE(client_->SetValue(Path::Resource(3, 0, 9), Value{std::int64_t{70}}));
  client_->Tick();
  EXPECT_FALSE(WaitUntil([&] { return Seen() > 1; }, 200ms));  // pmin not passed
  clock_.Advance(10'000);
  client_->Tick();
  ASSERT_TRUE(WaitUntil([&] { return Seen() == 2; }));
  clock_.Advance(60'000);  // nothing changed, but pmax ran out
  client_->Tick();
  ASSERT_TRUE(WaitUntil([&] { return Seen() == 3; }));
  std::lock_guard lock(mutex_);
  for (const auto& n : notifications_) ASSERT_TRUE(n) << n.error().message;
  EXPECT_TRUE(coap::Observe(notifications_[2]->options));
}

TEST_F(ObserveClientTest, GreaterThanLetsOnlyCrossingsThrough) {
  StartRegistered();
  ASSERT_EQ(Ask(codes::kPut, "/3/0/9", {}, {}, {}, "gt=50")->code, codes::kChanged);
  Observe(codes::kGet, "/3/0/9");
  ASSERT_TRUE(WaitUntil([&] { return Seen() == 1 && client_->observations() == 1; }));
  ASSERT_TRUE(client_->SetValue(Path::Resource(3, 0, 9), Value{std::int64_t{80}}));  // above
  EXPECT_FALSE(WaitUntil([&] { return Seen() > 1; }, 200ms));
  ASSERT_TRUE(client_->SetValue(Path::Resource(3, 0, 9), Value{std::int64_t{40}}));  // crosses
  ASSERT_TRUE(WaitUntil([&] { return Seen() == 2; }));
}

TEST_F(ObserveClientTest, ObserveCompositeAndCancel) {
  StartRegistered();
  const Path paths[] = {Path::Resource(3, 0, 9), Path::Resource(4, 0, 2)};
  auto body = format::EncodePaths(ContentFormat::kSenmlCbor, paths);
  ASSERT_TRUE(body);
  const auto id = Observe(codes::kFetch, "/", *body);
  ASSERT_TRUE(WaitUntil([&] { return Seen() == 1 && client_->observations() == 1; }));
  ASSERT_TRUE(client_->SetValue(Path::Resource(4, 0, 2), Value{std::int64_t{-90}}));
  ASSERT_TRUE(WaitUntil([&] { return Seen() == 2; }));
  server_->CancelObservation(id, true);
  ASSERT_TRUE(WaitUntil([&] { return Seen() == 3 && client_->observations() == 0; }));
}

TEST_F(ClientTest, SendPostsSenmlCborToDp) {
  StartRegistered();
  ASSERT_TRUE(client_->Send({Path::Resource(3, 0, 9)}, 5s));
  const coap::Message send = Requests().back();
  EXPECT_EQ(coap::UriPath(send.options), "/dp");
  EXPECT_EQ(coap::ContentFormat(send.options), IdOf(ContentFormat::kSenmlCbor));
  EXPECT_EQ(Decode(send, Path::Root()).size(), 1u);
}

TEST_F(ClientTest, FirmwareUpdateFromPackageUriThenRebootWithTheNewVersion) {
  StartRegistered();
  const std::string uri = "coap://127.0.0.1:" + std::to_string(server_->port()) + "/fw.bin";
  auto written = Ask(codes::kPut, "/5/0/1", {}, ContentFormat::kPlainText,
                     std::vector<std::uint8_t>(uri.begin(), uri.end()));
  ASSERT_TRUE(written);
  EXPECT_EQ(written->code, codes::kChanged);
  ASSERT_TRUE(WaitUntil(
      [&] { return client_->GetValue(Path::Resource(5, 0, 3)) == Value{std::int64_t{2}}; }));
  EXPECT_EQ(Ask(codes::kPost, "/5/0/2")->code, codes::kChanged);
  EXPECT_EQ(client_->GetValue(Path::Resource(5, 0, 3)), Value{std::int64_t{3}});
  client_->Tick();  // the reboot
  EXPECT_EQ(client_->GetValue(Path::Resource(3, 0, 3)), Value{std::string("2.0.0")});
  EXPECT_EQ(client_->GetValue(Path::Resource(5, 0, 5)), Value{std::int64_t{1}});
  ASSERT_TRUE(WaitUntil([&] { return client_->registrations() == 2 && client_->registered(); }));
}

TEST_F(ClientTest, FirmwarePushedWithBlock1CanBeMadeToFail) {
  ClientOptions options;
  options.fail_firmware_update = true;
  StartRegistered(options);
  std::vector<std::uint8_t> package(5000, 0xab);
  auto pushed = Ask(codes::kPut, "/5/0/0", {}, ContentFormat::kOpaque, package);
  ASSERT_TRUE(pushed);
  EXPECT_EQ(pushed->code, codes::kChanged);
  EXPECT_EQ(client_->GetValue(Path::Resource(5, 0, 3)), Value{std::int64_t{2}});
  EXPECT_EQ(Ask(codes::kPost, "/5/0/2")->code, codes::kChanged);
  client_->Tick();
  EXPECT_EQ(client_->GetValue(Path::Resource(5, 0, 5)), Value{std::int64_t{8}});
  EXPECT_EQ(client_->GetValue(Path::Resource(3, 0, 3)), Value{std::string("1.0.0")});
  EXPECT_EQ(client_->registrations(), 1);
}

TEST_F(ClientTest, ExecuteUpdateWithoutAPackageIsRefused) {
  StartRegistered();
  EXPECT_EQ(Ask(codes::kPost, "/5/0/2")->code, codes::kMethodNotAllowed);
}

TEST_F(ClientTest, QueueModeSleepsAndWakesWithAnUpdate) {
  ClientOptions options;
  options.queue_mode = true;
  options.queue_awake = 10s;
  StartRegistered(options);
  EXPECT_EQ(coap::UriQuery(Requests().at(0).options), "ep=custos-client&lt=300&lwm2m=1.1&b=U&Q");
  EXPECT_EQ(Ask(codes::kGet, "/3/0/9")->code, codes::kContent);
  clock_.Advance(10'000);
  client_->Tick();
  EXPECT_TRUE(client_->sleeping());
  coap::Message request;
  request.code = codes::kGet;
  coap::SetUriPath(request.options, "/3/0/9");
  coap::RequestOptions quick;
  quick.response_timeout = 300ms;
  std::promise<core::Result<coap::Message>> answer;
  // Unanswered, not even acknowledged: the request times out.
  coap::EndpointOptions fast;
  fast.listen = "127.0.0.1:0";
  fast.transmission.ack_timeout = 50ms;
  fast.transmission.max_retransmit = 1;
  auto probe = coap::Endpoint::Start(fast, nullptr);
  ASSERT_TRUE(probe);
  (*probe)->Request(ClientPeer(), request, quick,
                    [&](core::Result<coap::Message> r) { answer.set_value(std::move(r)); });
  auto result = answer.get_future().get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::kTimeout);
  ASSERT_TRUE(client_->Wake());
  EXPECT_FALSE(client_->sleeping());
  EXPECT_EQ(Requests().back().code, codes::kPost);
  EXPECT_EQ(Ask(codes::kGet, "/3/0/9")->code, codes::kContent);
}

TEST_F(ClientTest, BatteryDrainsWithTheClock) {
  ClientOptions options;
  options.battery_step = 60s;
  StartClient(options);
  clock_.Advance(180'000);
  client_->Tick();
  EXPECT_EQ(client_->GetValue(Path::Resource(3, 0, 9)), Value{std::int64_t{84}});
}

}  // namespace
}  // namespace custos::lwm2m::client
