// The firmware resource on the CoAP listeners, GET /fw/{id}: what a device pulls when an
// LwM2M Firmware Update's Package URI names it. The transport serves the file with Block2 one
// block at a time, so a large image costs no memory per device.
#include <charconv>

#include "coap/transport/endpoint.h"
#include "firmware/firmware.h"

namespace custos::firmware {
namespace {

constexpr std::string_view kPrefix = "/fw/";
constexpr std::uint16_t kOctetStream = 42;  // application/octet-stream

std::optional<core::FirmwareId> IdOf(std::string_view path) {
  std::string_view digits = path.substr(kPrefix.size());
  core::FirmwareId id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

}  // namespace

bool ClaimsCoapPath(std::string_view path) { return path.starts_with(kPrefix); }

void AnswerCoap(const Library& library, const coap::IncomingRequest& request,
                coap::Responder responder) {
  coap::Message head;
  if (request.message.code != coap::codes::kGet) {
    head.code = coap::codes::kMethodNotAllowed;
    responder.Respond(std::move(head));
    return;
  }
  auto id = IdOf(coap::UriPath(request.message.options));
  auto file = id ? library.FileOf(*id) : std::nullopt;
  if (!file) {
    head.code = coap::codes::kNotFound;
    responder.Respond(std::move(head));
    return;
  }
  head.code = coap::codes::kContent;
  coap::SetContentFormat(head.options, kOctetStream);
  responder.RespondWithFile(std::move(head), std::move(*file));
}

}  // namespace custos::firmware
