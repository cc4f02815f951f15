// Send (TS Core §6.4.7, LwM2M 1.1+): a device POSTs values to /dp; they go on the event
// stream as lwm2m.send and into the device model, as notifications do.
#include <fmt/format.h>

#include <boost/json.hpp>

#include "lwm2m/server/device_manager.h"
#include "lwm2m/server/dm_request.h"

namespace custos::lwm2m::server {
namespace {

coap::Message Answer(coap::Code code, std::string_view diagnostic = {}) {
  coap::Message m;
  m.code = code;
  m.payload.assign(diagnostic.begin(), diagnostic.end());
  return m;
}

}  // namespace

bool DeviceManager::Claims(std::string_view path) { return path == "/dp"; }

void DeviceManager::NoteContact(const Registration& registration) {
  std::lock_guard lock(contacts_mu_);
  contacts_[{registration.secure, registration.peer}] = registration.device_id;
}

coap::Message DeviceManager::AnswerSend(bool secure, const coap::IncomingRequest& request) {
  if (request.message.code != coap::codes::kPost) {
    return Answer(coap::codes::kMethodNotAllowed, "Send is a POST");
  }
  std::optional<core::DeviceId> device;
  {
    std::lock_guard lock(contacts_mu_);
    auto it = contacts_.find({secure, request.peer});
    if (it != contacts_.end()) device = it->second;
  }
  auto target = device ? Resolve(*device) : DmResult<Target>(tl::unexpected(DmError{}));
  if (!target || target->registration.peer != request.peer ||
      target->registration.secure != secure) {
    return Answer(coap::codes::kForbidden, "register before sending");
  }
  if (target->registration.version == format::Lwm2mVersion::kV1_0) {
    return Answer(coap::codes::kMethodNotAllowed, "Send is LwM2M 1.1 and later");
  }
  auto id = coap::ContentFormat(request.message.options);
  auto format = id ? format::ContentFormatFromId(*id) : std::nullopt;
  if (!format || (*format != format::ContentFormat::kSenmlJson &&
                  *format != format::ContentFormat::kSenmlCbor &&
                  *format != format::ContentFormat::kLwm2mCbor)) {
    return Answer(coap::codes::kUnsupportedContentFormat,
                  "Send takes SenML JSON, SenML CBOR or LwM2M CBOR");
  }
  auto records = format::Decode(*format, request.message.payload, Path::Root(), target->types);
  if (!records) return Answer(coap::codes::kBadRequest, records.error().message);
  format::ResolveRelativeTimes(*records, static_cast<double>(clock_.Now()) / 1000.0);

  core::Event event;
  event.type = "lwm2m.send";
  event.device_id = target->registration.device_id;
  event.data_json = boost::json::serialize(
      boost::json::object{{"value", Typed(*target, Path::Root(), *records)}});
  events_.Publish(std::move(event));
  ApplyRecords(target->registration.device_id, *records);
  return Answer(coap::codes::kChanged);
}

}  // namespace custos::lwm2m::server
