// Decodes any bytes as an MQTT packet of either version, and as a stream through the server's
// framer. Whatever decodes must be valid and must encode to bytes that decode to an equal
// packet; whatever is refused must name an offset inside the input and a reason code of the
// codec. The first input byte picks the version (bit 0) and the framer's chunk size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "mqtt/mqtt.h"

namespace {

namespace mqtt = custos::mqtt;

void CheckStable(const mqtt::Packet& packet, mqtt::Version version) {
  if (!mqtt::Validate(packet, version)) std::abort();
  const auto wire = mqtt::Encode(packet, version);
  if (wire.size() != mqtt::EncodedSize(packet, version)) std::abort();
  auto again = mqtt::Decode(wire, version);
  if (!again || !(*again == packet)) std::abort();
}

void CheckRefusal(const custos::core::Error& error, std::size_t size) {
  if (error.code != custos::core::ErrorCode::kInvalidArgument) std::abort();
  if (mqtt::ReasonFor(error) == mqtt::ReasonCode::kUnspecifiedError) std::abort();
  if (error.position && *error.position > size) std::abort();
}

void CheckTopics(std::string_view text) {
  const auto slash = text.find('\n');
  const std::string_view filter = text.substr(0, slash);
  const std::string_view name = slash == std::string_view::npos ? "" : text.substr(slash + 1);
  if (mqtt::IsValidTopicName(name) && !mqtt::TopicMatches(name, name)) std::abort();
  if (mqtt::IsValidTopicFilter(filter) && mqtt::IsValidTopicName(name)) {
    (void)mqtt::TopicMatches(filter, name);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto version = (data[0] & 1) != 0 ? mqtt::Version::kV5 : mqtt::Version::kV311;
  const std::size_t chunk = (data[0] >> 1) + 1;
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);

  auto packet = mqtt::Decode(bytes, version);
  if (packet) {
    const auto* connect = std::get_if<mqtt::Connect>(&*packet);
    CheckStable(*packet, connect != nullptr ? connect->version : version);
  } else {
    if (!packet.error().position) std::abort();
    CheckRefusal(packet.error(), bytes.size());
  }

  auto framer = mqtt::Framer::ForServer(4096);
  for (std::size_t at = 0; at < bytes.size() && !framer.failed(); at += chunk) {
    framer.Feed(bytes.subspan(at, std::min(chunk, bytes.size() - at)));
  }
  for (auto next = framer.Next(); next; next = framer.Next()) {
    if (!*next) break;
    if (!framer.version()) std::abort();
    CheckStable(**next, *framer.version());
  }
  if (framer.failed()) {
    auto error = framer.Next();
    if (error) std::abort();
    CheckRefusal(error.error(), bytes.size());
  }

  CheckTopics(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return 0;
}
