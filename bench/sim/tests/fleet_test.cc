// The simulated devices' state machines with a fake clock and a fake network: registration
// and update timing, separate responses, retransmission, Read/Write/Execute/Discover/Observe,
// Object 5 (pull, push, corrupt package, failing update) and queue mode.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lwm2m/format/format.h"
#include "sim.h"

namespace custos::sim {
namespace {

constexpr Address kServer{0x7f000001, 5683};
constexpr Address kFirmwareHost{0x7f000001, 5700};

struct Sent {
  std::uint32_t device;
  Address to;
  coap::Message message;
};

class FakeOutbox : public Outbox {
 public:
  void Send(std::uint32_t device, Address to, std::span<const std::uint8_t> bytes) override {
    auto message = coap::Decode(bytes);
    ASSERT_TRUE(message.has_value());
    sent.push_back(Sent{device, to, *message});
  }
  std::vector<Sent> Take() { return std::exchange(sent, {}); }
  std::vector<Sent> sent;
};

std::string Text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

class FleetTest : public ::testing::Test {
 protected:
  void Make(Lwm2mConfig config) {
    config.server = kServer;
    fleet_ = std::make_unique<Fleet>(config, outbox_);
    fleet_->Start(now_);
    fleet_->RunDue(now_);
  }
  Lwm2mConfig Config(std::uint32_t devices = 1) {
    Lwm2mConfig config;
    config.devices = devices;
    config.ramp_per_s = 1000;
    config.lifetime_s = 300;
    config.step_s = 30;
    config.reboot_ms = 1000;
    return config;
  }
  void Deliver(std::uint32_t device, const coap::Message& message, Address from = kServer) {
    fleet_->OnDatagram(device, from, coap::Encode(message), now_);
  }
  void Advance(TimeMs ms) {
    now_ += ms;
    fleet_->RunDue(now_);
  }
  // Answers the Register just sent by `device` with a piggybacked 2.01.
  void AcceptRegister(std::uint32_t device, const Sent& sent) {
    coap::Message created;
    created.type = coap::Type::kAcknowledgement;
    created.code = coap::codes::kCreated;
    created.message_id = sent.message.message_id;
    created.token = sent.message.token;
    coap::SetLocationPath(created.options, "/rd/d" + std::to_string(device));
    Deliver(device, created);
  }
  // Registers device 0 of a one-device fleet.
  void RegisterOne(Lwm2mConfig config) {
    Make(config);
    auto sent = outbox_.Take();
    ASSERT_EQ(sent.size(), 1u);
    AcceptRegister(0, sent[0]);
    ASSERT_EQ(fleet_->device(0).phase, Phase::kRegistered);
  }
  // A confirmable request from the server to device 0; returns the answer.
  coap::Message Request(coap::Code code, const std::string& path,
                        std::optional<std::uint16_t> accept = std::nullopt,
                        std::string payload = "", std::optional<std::uint16_t> format = {},
                        std::optional<std::uint32_t> observe = {}) {
    coap::Message request;
    request.code = code;
    request.message_id = ++mid_;
    request.token = {0xaa, static_cast<std::uint8_t>(mid_)};
    coap::SetUriPath(request.options, path);
    if (accept) coap::SetAccept(request.options, *accept);
    if (format) coap::SetContentFormat(request.options, *format);
    if (observe) coap::SetObserve(request.options, *observe);
    request.payload.assign(payload.begin(), payload.end());
    Deliver(0, request);
    auto sent = outbox_.Take();
    std::optional<coap::Message> answer;
    for (auto& one : sent) {
      if (!answer && one.message.type == coap::Type::kAcknowledgement &&
          one.message.message_id == request.message_id) {
        answer = one.message;
      } else {
        outbox_.sent.push_back(one);  // notifications, a download: for the test to see
      }
    }
    if (!answer) {
      ADD_FAILURE() << "no answer to " << path;
      return {};
    }
    return *answer;
  }

  FakeOutbox outbox_;
  std::unique_ptr<Fleet> fleet_;
  TimeMs now_ = 1'000'000;
  std::uint16_t mid_ = 100;
};

TEST_F(FleetTest, RegistersAtTheRampPaceWithItsObjectLinks) {
  Lwm2mConfig config = Config(3);
  config.ramp_per_s = 1;
  config.version = Lwm2mVersion::kV1_2;
  Make(config);
  auto sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].device, 0u);
  EXPECT_EQ(sent[0].to, kServer);
  const coap::Message& reg = sent[0].message;
  EXPECT_EQ(reg.type, coap::Type::kConfirmable);
  EXPECT_EQ(reg.code, coap::codes::kPost);
  EXPECT_EQ(coap::UriPath(reg.options), "/rd");
  EXPECT_EQ(coap::UriQuery(reg.options), "ep=sim-0&lt=300&lwm2m=1.2&b=U");
  EXPECT_EQ(coap::ContentFormat(reg.options), 40);
  const std::string links = Text(reg.payload);
  for (const char* object : {"</1/0>", "</3/0>", "</4/0>", "</5/0>", "</6/0>", "11544"}) {
    EXPECT_NE(links.find(object), std::string::npos) << links;
  }
  Advance(999);
  EXPECT_TRUE(outbox_.Take().empty());
  Advance(1);
  sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].device, 1u);
  EXPECT_EQ(coap::UriQuery(sent[0].message.options), "ep=sim-1&lt=300&lwm2m=1.2&b=U");
}

TEST_F(FleetTest, QueueModeDevicesRegisterWithQ) {
  Lwm2mConfig config = Config();
  config.queue_share = 1;
  config.version = Lwm2mVersion::kV1_0;
  Make(config);
  auto sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(coap::UriQuery(sent[0].message.options), "ep=sim-0&lt=300&lwm2m=1.0&b=UQ");
}

TEST_F(FleetTest, SeparateResponseIsAcknowledgedAndUpdateComesBeforeTheLifetimeEnds) {
  Make(Config());
  auto sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 1u);
  coap::Message empty_ack;
  empty_ack.type = coap::Type::kAcknowledgement;
  empty_ack.message_id = sent[0].message.message_id;
  Deliver(0, empty_ack);
  // No retransmission once the empty ACK came.
  Advance(30'000);
  EXPECT_TRUE(outbox_.Take().empty());
  coap::Message created;
  created.type = coap::Type::kConfirmable;
  created.code = coap::codes::kCreated;
  created.message_id = 7000;
  created.token = sent[0].message.token;
  coap::SetLocationPath(created.options, "/rd/abc");
  Deliver(0, created);
  sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.type, coap::Type::kAcknowledgement);
  EXPECT_EQ(sent[0].message.message_id, 7000);
  EXPECT_EQ(fleet_->device(0).phase, Phase::kRegistered);
  EXPECT_EQ(fleet_->Stats().registrations, 1u);

  // Lifetime 300 s: the Update goes at 270 s, not before.
  Advance(269'999);
  for (const auto& s : outbox_.Take()) EXPECT_NE(s.message.code, coap::codes::kPost);
  Advance(1);
  sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.code, coap::codes::kPost);
  EXPECT_EQ(coap::UriPath(sent[0].message.options), "/rd/abc");
  coap::Message changed;
  changed.type = coap::Type::kAcknowledgement;
  changed.code = coap::codes::kChanged;
  changed.message_id = sent[0].message.message_id;
  changed.token = sent[0].message.token;
  Deliver(0, changed);
  EXPECT_EQ(fleet_->Stats().updates, 1u);
}

TEST_F(FleetTest, RetransmitsWithDoublingTimeoutsThenGivesUpAndRegistersAgain) {
  Make(Config());
  auto first = outbox_.Take();
  ASSERT_EQ(first.size(), 1u);
  std::vector<TimeMs> gaps;
  TimeMs last = now_;
  const TimeMs start = now_;
  while (gaps.size() < 4 && now_ - start < 200'000) {
    Advance(10);
    for (const auto& s : outbox_.Take()) {
      EXPECT_EQ(s.message.message_id, first[0].message.message_id);
      gaps.push_back(now_ - last);
      last = now_;
    }
  }
  ASSERT_EQ(gaps.size(), 4u);
  EXPECT_GE(gaps[0], 2000);
  EXPECT_LT(gaps[0], 3010);
  for (std::size_t i = 1; i < gaps.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(gaps[i]), 2.0 * static_cast<double>(gaps[i - 1]), 40);
  }
  EXPECT_EQ(fleet_->Stats().retransmissions, 4u);
  // The last wait, then a new Register with a new message ID after a pause.
  while (fleet_->Stats().timeouts == 0 && now_ - start < 200'000) Advance(10);
  EXPECT_EQ(fleet_->Stats().register_failures, 1u);
  while (outbox_.sent.empty() && now_ - start < 300'000) Advance(100);
  auto again = outbox_.Take();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(coap::UriPath(again[0].message.options), "/rd");
  EXPECT_NE(again[0].message.message_id, first[0].message.message_id);
  EXPECT_EQ(fleet_->Stats().registers_sent, 2u);
}

TEST_F(FleetTest, ReadsInTheAskedFormatAndAnswersDuplicatesFromTheCache) {
  RegisterOne(Config());
  auto text = Request(coap::codes::kGet, "/3/0/9", 0);
  EXPECT_EQ(text.code, coap::codes::kContent);
  EXPECT_EQ(coap::ContentFormat(text.options), 0);
  EXPECT_EQ(Text(text.payload), std::to_string(fleet_->device(0).battery));

  for (std::uint16_t format : {11542, 112, 110, 11544}) {
    auto tree = Request(coap::codes::kGet, "/3/0", format);
    ASSERT_EQ(tree.code, coap::codes::kContent) << format;
    EXPECT_EQ(coap::ContentFormat(tree.options), format);
    auto records = lwm2m::format::Decode(*lwm2m::format::ContentFormatFromId(format), tree.payload,
                                         lwm2m::Path::Instance(3, 0),
                                         [](const lwm2m::Path& p) { return ResourceTypeAt(p); });
    ASSERT_TRUE(records.has_value()) << format;
    bool manufacturer = false;
    for (const auto& r : *records) {
      if (r.path == lwm2m::Path::Resource(3, 0, 0)) {
        manufacturer = std::get<std::string>(r.value) == "Custos Sim";
      }
    }
    EXPECT_TRUE(manufacturer) << format;
  }
  EXPECT_EQ(Request(coap::codes::kGet, "/7/0").code, coap::codes::kNotFound);
  EXPECT_EQ(Request(coap::codes::kGet, "/3/0", 0).code, coap::codes::kNotAcceptable);

  // The same message ID again: the same answer, from the cache.
  const auto reads = fleet_->Stats().reads;
  coap::Message request;
  request.code = coap::codes::kGet;
  request.message_id = 4242;
  request.token = {1};
  coap::SetUriPath(request.options, "/3/0/3");
  Deliver(0, request);
  Deliver(0, request);
  auto sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].message, sent[1].message);
  EXPECT_EQ(fleet_->Stats().reads, reads + 1);
  EXPECT_EQ(fleet_->Stats().duplicates, 1u);
}

TEST_F(FleetTest, DiscoverListsResourcesWithDimensions) {
  RegisterOne(Config());
  auto answer = Request(coap::codes::kGet, "/3/0", 40);
  EXPECT_EQ(answer.code, coap::codes::kContent);
  const std::string links = Text(answer.payload);
  EXPECT_NE(links.find("</3/0/9>"), std::string::npos) << links;
  EXPECT_NE(links.find("</3/0/7>;dim=2"), std::string::npos) << links;
}

TEST_F(FleetTest, ObserveNotifiesWhenTheBatteryChangesHonouringPmin) {
  RegisterOne(Config());
  coap::Message write_attributes;
  write_attributes.code = coap::codes::kPut;
  write_attributes.message_id = 999;
  coap::SetUriPath(write_attributes.options, "/3/0/9");
  coap::SetUriQuery(write_attributes.options, "pmin=45");
  Deliver(0, write_attributes);
  auto sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.code, coap::codes::kChanged);

  auto observed = Request(coap::codes::kGet, "/3/0/9", 0, "", {}, 0u);
  ASSERT_EQ(observed.code, coap::codes::kContent);
  ASSERT_TRUE(coap::Observe(observed.options).has_value());
  const std::string first = Text(observed.payload);

  // Steps come every 30 s; the first change inside pmin (45 s) waits for the next step.
  std::vector<Sent> notes;
  const TimeMs start = now_;
  while (notes.empty() && now_ - start < 200'000) {
    Advance(1000);
    for (auto& s : outbox_.Take()) notes.push_back(s);
  }
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_GE(now_ - start, 45'000);
  const coap::Message& note = notes[0].message;
  EXPECT_EQ(note.token, observed.token);
  EXPECT_EQ(note.code, coap::codes::kContent);
  EXPECT_GT(*coap::Observe(note.options), *coap::Observe(observed.options));
  EXPECT_EQ(Text(note.payload), std::to_string(fleet_->device(0).battery));
  EXPECT_NE(Text(note.payload), first);
  EXPECT_EQ(fleet_->Stats().notifications, 1u);

  // Cancel: no notification afterwards.
  coap::Message cancel;
  cancel.code = coap::codes::kGet;
  cancel.message_id = 4000;
  cancel.token = observed.token;
  coap::SetUriPath(cancel.options, "/3/0/9");
  coap::SetObserve(cancel.options, 1);
  Deliver(0, cancel);
  auto answers = outbox_.Take();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].message.code, coap::codes::kContent);
  EXPECT_FALSE(coap::Observe(answers[0].message.options).has_value());
  EXPECT_EQ(fleet_->Stats().cancels, 1u);
  Advance(200'000);
  for (const auto& s : outbox_.Take()) EXPECT_NE(s.message.token, observed.token);
}

TEST_F(FleetTest, RebootAnswersThenRegistersAgain) {
  RegisterOne(Config());
  auto answer = Request(coap::codes::kPost, "/3/0/4");
  EXPECT_EQ(answer.code, coap::codes::kChanged);
  EXPECT_EQ(fleet_->device(0).phase, Phase::kRebooting);
  Advance(999);
  EXPECT_TRUE(outbox_.Take().empty());
  Advance(1);
  auto sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(coap::UriPath(sent[0].message.options), "/rd");
}

class FirmwareTest : public FleetTest {
 protected:
  // Plays the firmware server for the device's block-wise GET of `image`; returns what else
  // the device sent meanwhile.
  std::vector<Sent> ServeDownload(const std::string& image) {
    std::vector<Sent> others;
    for (int guard = 0; guard < 100; ++guard) {
      auto sent = outbox_.Take();
      const Sent* get = nullptr;
      for (const auto& s : sent) {
        if (s.message.code == coap::codes::kGet && s.to == kFirmwareHost) {
          get = &s;
        } else {
          others.push_back(s);
        }
      }
      if (get == nullptr) return others;
      EXPECT_EQ(coap::UriPath(get->message.options), "/fw/1");
      auto block = coap::GetBlock2(get->message.options);
      if (!block || !*block) {
        ADD_FAILURE() << "a GET without Block2";
        return others;
      }
      coap::Block answer_block{(*block)->num, false, 4};  // the server answers in 256 bytes
      const std::size_t offset = answer_block.Offset();
      const std::size_t size = std::min<std::size_t>(256, image.size() - offset);
      answer_block.more = offset + size < image.size();
      coap::Message content;
      content.type = coap::Type::kAcknowledgement;
      content.code = coap::codes::kContent;
      content.message_id = get->message.message_id;
      content.token = get->message.token;
      (void)coap::SetBlock2(content.options, answer_block);
      content.payload.assign(image.begin() + static_cast<std::ptrdiff_t>(offset),
                             image.begin() + static_cast<std::ptrdiff_t>(offset + size));
      Deliver(0, content, kFirmwareHost);
    }
    ADD_FAILURE() << "the download did not end";
    return others;
  }
  std::string Image(const std::string& first_line) {
    return first_line + "\n" + std::string(1500, 'x');
  }
  std::vector<std::int64_t> ObservedStates(std::vector<Sent> sent) {
    std::vector<std::int64_t> states;
    for (const auto& s : sent) {
      if (s.message.token == std::vector<std::uint8_t>{0xaa, 0x01}) {
        states.push_back(std::stoll(Text(s.message.payload)));
      }
    }
    return states;
  }
  void ObserveState() {
    mid_ = 0;  // token {0xaa, 1}
    auto observed = Request(coap::codes::kGet, "/5/0/3", 0, "", {}, 0u);
    ASSERT_EQ(observed.code, coap::codes::kContent);
    mid_ = 200;
  }
};

TEST_F(FirmwareTest, PullDownloadsBlockwiseThenExecuteRebootsIntoTheNewVersion) {
  RegisterOne(Config());
  ObserveState();
  auto written = Request(coap::codes::kPut, "/5/0/1", {}, "coap://127.0.0.1:5700/fw/1", 0);
  EXPECT_EQ(written.code, coap::codes::kChanged);
  EXPECT_EQ(fleet_->device(0).firmware_state, firmware::kDownloading);
  std::vector<Sent> seen = ServeDownload(Image("custos-firmware 2.1.0"));
  EXPECT_EQ(fleet_->device(0).firmware_state, firmware::kDownloaded);
  EXPECT_EQ(fleet_->Stats().downloads_done, 1u);

  auto executed = Request(coap::codes::kPost, "/5/0/2");
  EXPECT_EQ(executed.code, coap::codes::kChanged);
  EXPECT_EQ(fleet_->device(0).firmware_state, firmware::kUpdating);
  for (auto& s : outbox_.sent) seen.push_back(s);
  EXPECT_EQ(ObservedStates(seen), (std::vector<std::int64_t>{1, 2, 3}));
  outbox_.Take();
  Advance(1000);
  auto sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(coap::UriPath(sent[0].message.options), "/rd");
  EXPECT_EQ(fleet_->device(0).firmware_version, "2.1.0");
  EXPECT_EQ(fleet_->device(0).firmware_state, firmware::kIdle);
  EXPECT_EQ(fleet_->device(0).firmware_result, firmware::kSuccess);
  AcceptRegister(0, sent[0]);
  EXPECT_EQ(Text(Request(coap::codes::kGet, "/3/0/3", 0).payload), "2.1.0");
  EXPECT_EQ(fleet_->Stats().firmware_updates, 1u);
}

TEST_F(FirmwareTest, CorruptPackageEndsWithIntegrityFailure) {
  RegisterOne(Config());
  Request(coap::codes::kPut, "/5/0/1", {}, "coap://127.0.0.1:5700/fw/1", 0);
  ServeDownload(Image("not a firmware image"));
  EXPECT_EQ(fleet_->device(0).firmware_state, firmware::kIdle);
  EXPECT_EQ(fleet_->device(0).firmware_result, firmware::kIntegrityFailure);
  EXPECT_EQ(fleet_->Stats().downloads_failed, 1u);
  EXPECT_EQ(Request(coap::codes::kPost, "/5/0/2").code, coap::codes::kMethodNotAllowed);
}

TEST_F(FirmwareTest, UnsupportedSchemeIsRefusedWithItsResult) {
  RegisterOne(Config());
  Request(coap::codes::kPut, "/5/0/1", {}, "https://example.com/fw", 0);
  EXPECT_EQ(fleet_->device(0).firmware_result, firmware::kUnsupportedProtocol);
  Request(coap::codes::kPut, "/5/0/1", {}, "garbage", 0);
  EXPECT_EQ(fleet_->device(0).firmware_result, firmware::kInvalidUri);
}

TEST_F(FirmwareTest, PushInBlock1ThenAFailingUpdateGivesResult8WithoutReboot) {
  Lwm2mConfig config = Config();
  config.fail_update_share = 1;
  RegisterOne(config);
  const std::string image = Image("custos-firmware 3.0.0");
  for (std::uint32_t num = 0; num * 512 < image.size(); ++num) {
    const std::size_t size = std::min<std::size_t>(512, image.size() - num * 512);
    coap::Message put;
    put.code = coap::codes::kPut;
    put.message_id = ++mid_;
    coap::SetUriPath(put.options, "/5/0/0");
    coap::SetContentFormat(put.options, 42);
    const bool more = (num + 1) * 512 < image.size();
    (void)coap::SetBlock1(put.options, coap::Block{num, more, 5});
    put.payload.assign(image.begin() + num * 512, image.begin() + num * 512 + size);
    Deliver(0, put);
    auto sent = outbox_.Take();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].message.code, more ? coap::codes::kContinue : coap::codes::kChanged);
  }
  EXPECT_EQ(fleet_->device(0).firmware_state, firmware::kDownloaded);
  EXPECT_EQ(Request(coap::codes::kPost, "/5/0/2").code, coap::codes::kChanged);
  Advance(1000);
  EXPECT_EQ(fleet_->device(0).phase, Phase::kRegistered);
  EXPECT_EQ(fleet_->device(0).firmware_state, firmware::kDownloaded);
  EXPECT_EQ(fleet_->device(0).firmware_result, firmware::kUpdateFailed);
  EXPECT_EQ(fleet_->device(0).firmware_version, "1.0.0");
  EXPECT_EQ(fleet_->Stats().firmware_failures, 1u);
}

TEST_F(FleetTest, QueueModeSleepsAfterTheAwakeTimeAndWakesWithAnUpdate) {
  Lwm2mConfig config = Config();
  config.queue_share = 1;
  config.awake_s = 10;
  config.wake_s = 60;
  RegisterOne(config);
  Advance(10'000);
  EXPECT_TRUE(fleet_->device(0).sleeping);
  coap::Message read;
  read.code = coap::codes::kGet;
  read.message_id = 5;
  coap::SetUriPath(read.options, "/3/0/9");
  Deliver(0, read);
  EXPECT_TRUE(outbox_.Take().empty());  // asleep: no answer
  Advance(50'000);
  auto sent = outbox_.Take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(coap::UriPath(sent[0].message.options), "/rd/d0");
  EXPECT_FALSE(fleet_->device(0).sleeping);
}

TEST_F(FleetTest, StateIsWellUnderAKibibytePerDevice) { EXPECT_LT(Fleet::BytesPerDevice(), 512u); }

}  // namespace
}  // namespace custos::sim
