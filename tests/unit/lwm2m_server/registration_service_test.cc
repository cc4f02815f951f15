#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>

#include "core/core.h"
#include "lwm2m/server/server.h"
#include "store/sqlite/sqlite_store.h"

namespace custos::lwm2m::server {
namespace {

// The registration service over a fresh SQLite store and registry, with a fake clock.
class RegistrationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("custos-lwm2m-" + std::to_string(::getpid()) +
                                                     "-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.clock = &clock_;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    events_ = std::make_unique<core::EventBus>(clock_);
    registry_ = std::make_unique<core::Registry>(*store_, *events_, clock_);
    ASSERT_TRUE(registry_->Load());
    sub_ = events_->Subscribe({});
    service_ = std::make_unique<RegistrationService>(ServerOptions{}, *registry_, *store_, clock_);
  }

  void TearDown() override {
    service_.reset();
    sub_.reset();
    registry_.reset();
    if (store_) store_->Close();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Stops the server and starts it again on the same database: new store, registry and
  // service, the registrations reloaded.
  void Restart() {
    service_.reset();
    sub_.reset();
    registry_.reset();
    store_->Close();
    store::SqliteOptions options;
    options.path = dir_ / "custos.db";
    options.clock = &clock_;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    registry_ = std::make_unique<core::Registry>(*store_, *events_, clock_);
    ASSERT_TRUE(registry_->Load());
    sub_ = events_->Subscribe({});
    service_ = std::make_unique<RegistrationService>(ServerOptions{}, *registry_, *store_, clock_);
  }

  std::vector<core::Lwm2mRegistrationRecord> Stored() {
    service_->Sync();
    auto all = store_->ListLwm2mRegistrations("", 1000);
    EXPECT_TRUE(all) << all.error().message;
    return all ? *all : std::vector<core::Lwm2mRegistrationRecord>{};
  }

  coap::Message Send(coap::Code method, std::string path, std::string query,
                     std::string payload = "", bool secure = false, std::string identity = "") {
    coap::IncomingRequest request;
    request.peer = coap::Peer::V4({127, 0, 0, 1}, 40000);
    request.identity = std::move(identity);
    request.message.code = method;
    coap::SetUriPath(request.message.options, path);
    coap::SetUriQuery(request.message.options, query);
    if (!payload.empty()) coap::SetContentFormat(request.message.options, 40);
    request.message.payload.assign(payload.begin(), payload.end());
    return service_->Answer(secure, request);
  }

  std::string Register(std::string query, std::string payload = "</1>,</3/0>") {
    auto response = Send(coap::codes::kPost, "/rd", std::move(query), std::move(payload));
    EXPECT_EQ(response.code, coap::codes::kCreated) << Text(response);
    return coap::LocationPath(response.options);
  }

  static std::string Text(const coap::Message& m) {
    return std::string(m.payload.begin(), m.payload.end());
  }

  std::vector<std::string> EventTypes() {
    std::vector<std::string> out;
    while (auto e = sub_->Next(0)) out.push_back(e->type);
    return out;
  }

  core::Device MakeDevice(std::string name) {
    core::Device d;
    d.name = std::move(name);
    auto created = registry_->CreateDevice(kAdmin, d);
    EXPECT_TRUE(created);
    return *created;
  }

  const core::Actor kAdmin{0, "admin", core::Role::kAdmin};
  core::FakeClock clock_{1'700'000'000'000};
  std::filesystem::path dir_;
  std::unique_ptr<core::Store> store_;
  std::unique_ptr<core::EventBus> events_;
  std::unique_ptr<core::Registry> registry_;
  std::shared_ptr<core::EventSubscription> sub_;
  std::unique_ptr<RegistrationService> service_;
};

TEST_F(RegistrationServiceTest, RegisterAutoProvisionsAndReportsOnline) {
  std::string location = Register("ep=dev1&lt=60&lwm2m=1.1&b=U");
  EXPECT_EQ(location.substr(0, 4), "/rd/");
  auto device = registry_->GetDeviceByName("dev1");
  ASSERT_TRUE(device);
  EXPECT_EQ(device->protocol, "lwm2m");
  auto fleet = registry_->fleet().Get(device->id);
  ASSERT_TRUE(fleet);
  EXPECT_TRUE(fleet->connectivity.online);
  EXPECT_EQ(fleet->connectivity.transport, "udp");
  EXPECT_EQ(fleet->connectivity.address, "127.0.0.1:40000");
  EXPECT_EQ(fleet->connectivity.lifetime_s, 60);
  EXPECT_EQ(fleet->connectivity.last_seen, clock_.Now());
  // Auto-provisioned devices are created in batches (one transaction for every new endpoint
  // that registers meanwhile).
  EXPECT_EQ(EventTypes(), (std::vector<std::string>{"device.imported", "device.online"}));
  EXPECT_EQ(fleet->state, core::LifecycleState::kActive);
  auto r = service_->registrations().FindByEndpoint("dev1");
  ASSERT_TRUE(r);
  EXPECT_EQ("/rd/" + r->id, location);
  EXPECT_EQ(r->objects.objects.size(), 2u);
}

TEST_F(RegistrationServiceTest, UnknownEndpointRefusedWithoutAutoProvisioning) {
  ServerOptions options;
  options.auto_provision_plain = false;
  service_ = std::make_unique<RegistrationService>(options, *registry_, *store_, clock_);
  auto response = Send(coap::codes::kPost, "/rd", "ep=stranger", "</3/0>");
  EXPECT_EQ(response.code, coap::codes::kForbidden);
  EXPECT_FALSE(registry_->GetDeviceByName("stranger"));
  MakeDevice("known");
  EXPECT_EQ(Send(coap::codes::kPost, "/rd", "ep=known", "</3/0>").code, coap::codes::kCreated);
}

TEST_F(RegistrationServiceTest, BadParametersGet400WithADiagnostic) {
  auto response = Send(coap::codes::kPost, "/rd", "lt=60", "</3/0>");
  EXPECT_EQ(response.code, coap::codes::kBadRequest);
  EXPECT_NE(Text(response).find("ep"), std::string::npos);
  EXPECT_EQ(Send(coap::codes::kPost, "/rd", "ep=a&lt=x").code, coap::codes::kBadRequest);
  EXPECT_EQ(Send(coap::codes::kPost, "/rd", "ep=a&b=Z").code, coap::codes::kBadRequest);
  EXPECT_EQ(Send(coap::codes::kPost, "/rd", "ep=a", "<bad").code, coap::codes::kBadRequest);
  EXPECT_EQ(Send(coap::codes::kPost, "/rd", "ep=a&lwm2m=2.0").code,
            coap::codes::kPreconditionFailed);
  EXPECT_EQ(service_->registrations().size(), 0u);
}

TEST_F(RegistrationServiceTest, UpdateAndDeregister) {
  std::string location = Register("ep=dev1&lt=60");
  clock_.Advance(10'000);
  auto updated = Send(coap::codes::kPost, location, "lt=300", "</3/0>,</4/0>");
  EXPECT_EQ(updated.code, coap::codes::kChanged);
  auto r = service_->registrations().FindByEndpoint("dev1");
  EXPECT_EQ(r->lifetime_s, 300);
  EXPECT_EQ(r->objects.objects.size(), 2u);
  auto id = registry_->GetDeviceByName("dev1")->id;
  EXPECT_EQ(registry_->fleet().Get(id)->connectivity.last_seen, clock_.Now());
  EXPECT_EQ(Send(coap::codes::kDelete, location, "").code, coap::codes::kDeleted);
  EXPECT_FALSE(registry_->fleet().Get(id)->connectivity.online);
  EXPECT_EQ(Send(coap::codes::kDelete, location, "").code, coap::codes::kNotFound);
  EXPECT_EQ(Send(coap::codes::kPost, location, "").code, coap::codes::kNotFound);
  auto events = EventTypes();
  EXPECT_EQ(events.back(), "device.offline");
}

TEST_F(RegistrationServiceTest, UnknownRegistrationAndMethods) {
  EXPECT_EQ(Send(coap::codes::kPost, "/rd/nope", "").code, coap::codes::kNotFound);
  EXPECT_EQ(Send(coap::codes::kDelete, "/rd/nope", "").code, coap::codes::kNotFound);
  EXPECT_EQ(Send(coap::codes::kGet, "/rd", "").code, coap::codes::kMethodNotAllowed);
  EXPECT_EQ(Send(coap::codes::kPost, "/rd/a/b", "").code, coap::codes::kNotFound);
}

TEST_F(RegistrationServiceTest, LifetimeExpiryMarksTheDeviceOffline) {
  Register("ep=dev1&lt=60");
  auto id = registry_->GetDeviceByName("dev1")->id;
  EventTypes();
  clock_.Advance(60'000);
  EXPECT_EQ(service_->ExpireDue(), 0u);  // the grace period
  clock_.Advance(ServerOptions{}.expiry_grace_ms + 1);
  EXPECT_EQ(service_->ExpireDue(), 1u);
  EXPECT_FALSE(registry_->fleet().Get(id)->connectivity.online);
  EXPECT_EQ(EventTypes(), (std::vector<std::string>{"device.offline"}));
  EXPECT_EQ(service_->registrations().size(), 0u);
}

TEST_F(RegistrationServiceTest, UpdatePostponesExpiry) {
  std::string location = Register("ep=dev1&lt=60");
  clock_.Advance(50'000);
  ASSERT_EQ(Send(coap::codes::kPost, location, "").code, coap::codes::kChanged);
  clock_.Advance(50'000);
  EXPECT_EQ(service_->ExpireDue(), 0u);
  EXPECT_EQ(service_->registrations().size(), 1u);
}

TEST_F(RegistrationServiceTest, DisabledDeviceRefusedAndDropped) {
  Register("ep=dev1");
  auto device = *registry_->GetDeviceByName("dev1");
  ASSERT_TRUE(registry_->DisableDevice(kAdmin, device.id, "test"));
  service_->DropDevice(device.id);
  EXPECT_EQ(service_->registrations().size(), 0u);
  EXPECT_FALSE(registry_->fleet().Get(device.id)->connectivity.online);
  auto response = Send(coap::codes::kPost, "/rd", "ep=dev1", "</3/0>");
  EXPECT_EQ(response.code, coap::codes::kForbidden);
}

TEST_F(RegistrationServiceTest, DtlsIdentityMustBelongToTheDevice) {
  auto mine = MakeDevice("mine");
  MakeDevice("theirs");
  core::Credential psk;
  psk.kind = "psk";
  psk.identity = "mine-id";
  psk.secret = "00112233445566778899aabbccddeeff";
  ASSERT_TRUE(registry_->AddCredential(kAdmin, mine.id, psk));
  auto refused = Send(coap::codes::kPost, "/rd", "ep=theirs", "</3/0>", true, "mine-id");
  EXPECT_EQ(refused.code, coap::codes::kForbidden);
  auto unknown = Send(coap::codes::kPost, "/rd", "ep=nobody", "</3/0>", true, "mine-id");
  EXPECT_EQ(unknown.code, coap::codes::kForbidden);  // no auto-provisioning over DTLS
  auto ok = Send(coap::codes::kPost, "/rd", "ep=mine", "</3/0>", true, "mine-id");
  ASSERT_EQ(ok.code, coap::codes::kCreated);
  EXPECT_EQ(registry_->fleet().Get(mine.id)->connectivity.transport, "dtls");
  // The registration cannot be updated from outside its session.
  EXPECT_EQ(Send(coap::codes::kPost, coap::LocationPath(ok.options), "").code,
            coap::codes::kForbidden);
}

TEST_F(RegistrationServiceTest, RegistrationsSurviveARestart) {
  std::string location = Register("ep=dev1&lt=600&lwm2m=1.1&b=UQ&sms=%2B123",
                                  R"(</>;rt="oma.lwm2m";ct="60 110",</1>;ver=1.1,</3/0>)");
  clock_.Advance(1'000);
  ASSERT_EQ(Send(coap::codes::kPost, location, "lt=300").code, coap::codes::kChanged);
  auto before = *service_->registrations().FindByEndpoint("dev1");
  ASSERT_EQ(Stored().size(), 1u);
  Restart();
  auto restored = service_->Restore();
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ(*restored, 1u);
  auto after = service_->registrations().FindByEndpoint("dev1");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->id, before.id);
  EXPECT_EQ(after->peer, before.peer);
  EXPECT_EQ(after->version, format::Lwm2mVersion::kV1_1);
  EXPECT_EQ(after->lifetime_s, 300);
  EXPECT_EQ(after->binding, "U");
  EXPECT_TRUE(after->queue_mode);
  EXPECT_EQ(after->objects, before.objects);
  EXPECT_EQ(after->deadline, before.deadline);
  EXPECT_EQ(after->registered_at, before.registered_at);
  // The device goes on with its Updates, without registering again.
  clock_.Advance(1'000);
  EXPECT_EQ(Send(coap::codes::kPost, location, "").code, coap::codes::kChanged);
  auto id = registry_->GetDeviceByName("dev1")->id;
  EXPECT_TRUE(registry_->fleet().Get(id)->connectivity.online);
  EXPECT_EQ(Send(coap::codes::kDelete, location, "").code, coap::codes::kDeleted);
  EXPECT_TRUE(Stored().empty());
}

TEST_F(RegistrationServiceTest, ARegistrationThatExpiredWhileDownExpiresAtOnce) {
  Register("ep=short&lt=60");
  std::string kept = Register("ep=long&lt=6000");
  auto short_id = registry_->GetDeviceByName("short")->id;
  // The device model has them online in the store, as the periodic flush leaves it.
  ASSERT_TRUE(registry_->FlushConnectivity());
  Restart();
  clock_.Advance(70'000);
  auto restored = service_->Restore();
  ASSERT_TRUE(restored);
  EXPECT_EQ(*restored, 1u);
  EXPECT_FALSE(service_->registrations().FindByEndpoint("short"));
  EXPECT_FALSE(registry_->fleet().Get(short_id)->connectivity.online);
  EXPECT_EQ(EventTypes(), (std::vector<std::string>{"device.offline"}));
  auto stored = Stored();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].endpoint, "long");
  EXPECT_EQ(Send(coap::codes::kPost, kept, "").code, coap::codes::kChanged);
}

TEST_F(RegistrationServiceTest, ExpiryDeregistrationAndBarringArePersisted) {
  std::string gone = Register("ep=a&lt=60");
  Register("ep=b&lt=60");
  Register("ep=c&lt=6000");
  ASSERT_EQ(Stored().size(), 3u);
  ASSERT_EQ(Send(coap::codes::kDelete, gone, "").code, coap::codes::kDeleted);
  clock_.Advance(70'000);
  EXPECT_EQ(service_->ExpireDue(), 1u);
  auto c = *registry_->GetDeviceByName("c");
  ASSERT_TRUE(registry_->DisableDevice(kAdmin, c.id, "test"));
  service_->DropDevice(c.id);
  EXPECT_TRUE(Stored().empty());
}

TEST_F(RegistrationServiceTest, ABarredDeviceIsNotRestored) {
  Register("ep=dev1&lt=600");
  auto device = *registry_->GetDeviceByName("dev1");
  // Disabled by another process on the same database while this server was down.
  ASSERT_TRUE(registry_->DisableDevice(kAdmin, device.id, "test"));
  Restart();
  auto restored = service_->Restore();
  ASSERT_TRUE(restored);
  EXPECT_EQ(*restored, 0u);
  EXPECT_EQ(service_->registrations().size(), 0u);
  EXPECT_TRUE(Stored().empty());
}

TEST_F(RegistrationServiceTest, AStormOfNewEndpointsIsProvisionedActiveAndAnswered) {
  constexpr int kDevices = 300;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<coap::Message> answers;
  for (int i = 0; i < kDevices; ++i) {
    coap::IncomingRequest request;
    request.peer = coap::Peer::V4({127, 0, 0, 2}, static_cast<std::uint16_t>(10000 + i));
    request.message.code = coap::codes::kPost;
    coap::SetUriPath(request.message.options, "/rd");
    coap::SetUriQuery(request.message.options, "ep=storm-" + std::to_string(i) + "&lt=600");
    service_->Answer(false, request, [&](coap::Message m) {
      std::lock_guard lock(mu);
      answers.push_back(std::move(m));
      cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return answers.size() == kDevices; }));
  for (const auto& a : answers) EXPECT_EQ(a.code, coap::codes::kCreated) << Text(a);
  lock.unlock();
  EXPECT_EQ(service_->registrations().size(), static_cast<std::size_t>(kDevices));
  EXPECT_EQ(Stored().size(), static_cast<std::size_t>(kDevices));
  auto by_state = registry_->fleet().CountByState();
  EXPECT_EQ(by_state[core::LifecycleState::kActive], kDevices);
  EXPECT_EQ(registry_->fleet().OnlineCount(), kDevices);
}

}  // namespace
}  // namespace custos::lwm2m::server
