// The request/response operations of DeviceManager; Observe, Send, the device model and Call
// are in dm_observe.cc, dm_send.cc, dm_model_fill.cc and dm_call.cc.
#include "lwm2m/server/device_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "lwm2m/server/dm_request.h"

namespace custos::lwm2m::server {

using core::ErrorCode;

DeviceProfile DefaultProfile() {
  return DeviceProfile{{Path::Instance(3, 0), Path::Instance(4, 0), Path::Instance(6, 0)},
                       {Path::Resource(3, 0, 9), Path::Resource(3, 0, 11)}};
}

DeviceManager::DeviceManager(ManagementOptions options, const RegistrationTable& registrations,
                             EndpointFor endpoints, const ObjectRegistry& objects,
                             core::EventBus& events, core::Clock& clock, ManagementHooks hooks)
    : options_(options),
      registrations_(registrations),
      endpoints_(std::move(endpoints)),
      objects_(objects),
      events_(events),
      clock_(clock),
      hooks_(std::move(hooks)) {}

DeviceManager::~DeviceManager() {
  writer_.Stop();
  saves_writer_.Stop();
  observations_.RemoveAll();
}

DmResult<DeviceManager::Target> DeviceManager::Resolve(core::DeviceId device) const {
  auto registration = registrations_.FindByDevice(device);
  if (!registration) {
    return MakeDmError(ErrorCode::kConflict, "device_not_registered",
                       fmt::format("device {} has no LwM2M registration", device));
  }
  coap::Endpoint* endpoint = endpoints_ ? endpoints_(registration->secure) : nullptr;
  if (endpoint == nullptr) {
    return MakeDmError(ErrorCode::kUnavailable, "listener_down",
                       "the listener the device registered on is not running");
  }
  Target target;
  target.versions = dm::VersionsOf(*registration);
  target.types = objects_.ResolverFor(target.versions);
  target.registration = std::move(*registration);
  target.endpoint = endpoint;
  return target;
}

void DeviceManager::Send(const Target& target, coap::Message request, Reply reply,
                         std::function<DmResult<boost::json::value>(const coap::Message&)> ok) {
  coap::RequestOptions options;
  options.response_timeout = options_.request_timeout;
  target.endpoint->Request(
      target.registration.peer, std::move(request), options,
      [reply = std::move(reply), ok = std::move(ok)](core::Result<coap::Message> answer) {
        if (!answer) return reply(tl::unexpected(dm::FromTransport(answer.error())));
        if (answer->code.Class() != 2) return reply(tl::unexpected(dm::FromAnswer(*answer)));
        reply(ok(*answer));
      });
}

DmResult<std::vector<Record>> DeviceManager::DecodeRecords(const Target& target, const Path& base,
                                                           const coap::Message& answer) const {
  auto id = coap::ContentFormat(answer.options);
  if (!id) {
    if (answer.payload.empty()) return std::vector<Record>{};
    return tl::unexpected(dm::BadAnswer("a payload without Content-Format"));
  }
  auto format = format::ContentFormatFromId(*id);
  if (!format || *format == format::ContentFormat::kLinkFormat) {
    return tl::unexpected(
        dm::BadAnswer(fmt::format("content format {} is not one of values", *id)));
  }
  auto records = format::Decode(*format, answer.payload, base, target.types);
  if (!records) return tl::unexpected(dm::BadAnswer(records.error().message));
  format::ResolveRelativeTimes(*records, static_cast<double>(clock_.Now()) / 1000.0);
  return std::move(*records);
}

boost::json::value DeviceManager::Typed(const Target& target, const Path& base,
                                        const std::vector<Record>& records) const {
  return ToJson(base, records, objects_, target.versions);
}

void DeviceManager::ReadRecords(core::DeviceId device, const Path& path,
                                std::optional<format::ContentFormat> format, RecordsReply reply) {
  auto target = Resolve(device);
  if (!target) return reply(tl::unexpected(target.error()));
  if (!format) {
    auto chosen = dm::FormatFor(target->registration, path,
                                dm::ShapeOf(path, objects_, target->versions), objects_);
    if (!chosen) return reply(tl::unexpected(chosen.error()));
    format = *chosen;
  }
  coap::Message request;
  request.code = coap::codes::kGet;
  coap::SetUriPath(request.options, dm::UriPathOf(target->registration, path));
  coap::SetAccept(request.options, format::IdOf(*format));
  coap::RequestOptions options;
  options.response_timeout = options_.request_timeout;
  target->endpoint->Request(
      target->registration.peer, std::move(request), options,
      [this, t = *target, path, reply = std::move(reply)](core::Result<coap::Message> answer) {
        if (!answer) return reply(tl::unexpected(dm::FromTransport(answer.error())));
        if (answer->code.Class() != 2) return reply(tl::unexpected(dm::FromAnswer(*answer)));
        auto records = DecodeRecords(t, path, *answer);
        if (!records) return reply(tl::unexpected(records.error()));
        reply(TargetRecords{std::move(t), std::move(*records)});
      });
}

void DeviceManager::Read(core::DeviceId device, const Path& path,
                         std::optional<format::ContentFormat> format, Reply reply) {
  ReadRecords(device, path, format,
              [this, path, reply = std::move(reply)](DmResult<TargetRecords> read) {
                if (!read) return reply(tl::unexpected(read.error()));
                reply(Typed(read->target, path, read->records));
              });
}

void DeviceManager::Discover(core::DeviceId device, const Path& path, Reply reply) {
  auto target = Resolve(device);
  if (!target) return reply(tl::unexpected(target.error()));
  coap::Message request;
  request.code = coap::codes::kGet;
  coap::SetUriPath(request.options, dm::UriPathOf(target->registration, path));
  coap::SetAccept(request.options, format::IdOf(format::ContentFormat::kLinkFormat));
  Send(*target, std::move(request), std::move(reply),
       [t = *target, path](const coap::Message& answer) -> DmResult<boost::json::value> {
         std::string_view text(reinterpret_cast<const char*>(answer.payload.data()),
                               answer.payload.size());
         auto links = format::ParseLinks(text);
         if (!links) return tl::unexpected(dm::BadAnswer(links.error().message));
         boost::json::array out;
         for (const format::Link& link : *links) {
           boost::json::object attributes;
           for (const format::LinkParam& param : link.params) {
             if (!param.value) {
               attributes[param.name] = true;
               continue;
             }
             double number = 0;
             auto [end, ec] = std::from_chars(param.value->data(),
                                              param.value->data() + param.value->size(), number);
             if (ec == std::errc() && end == param.value->data() + param.value->size() &&
                 param.name != "ver") {
               attributes[param.name] = number;
             } else {
               attributes[param.name] = *param.value;
             }
           }
           out.push_back(boost::json::object{{"path", dm::StripRoot(t.registration, link.target)},
                                             {"attributes", std::move(attributes)}});
         }
         return boost::json::object{{"path", ToString(path)}, {"links", std::move(out)}};
       });
}

void DeviceManager::Write(core::DeviceId device, const Path& path, const boost::json::value& value,
                          bool partial, Reply reply) {
  auto target = Resolve(device);
  if (!target) return reply(tl::unexpected(target.error()));
  if (path.IsRoot() || path.IsObject()) {
    return reply(MakeDmError(ErrorCode::kInvalidArgument, "bad_path",
                             "Write goes to an instance, a resource or a resource instance"));
  }
  auto records = FromJson(value, path, objects_, target->versions, WriteKind::kWrite);
  if (!records) {
    return reply(MakeDmError(records.error().code, "invalid_value", records.error().message));
  }
  const auto shape = partial ? format::Shape::kTree : dm::ShapeOf(path, objects_, target->versions);
  auto format = dm::FormatFor(target->registration, path, shape, objects_);
  if (!format) return reply(tl::unexpected(format.error()));
  auto payload = format::Encode(*format, *records, path);
  if (!payload) {
    return reply(MakeDmError(payload.error().code, "invalid_value", payload.error().message));
  }
  coap::Message request;
  request.code = partial ? coap::codes::kPost : coap::codes::kPut;
  coap::SetUriPath(request.options, dm::UriPathOf(target->registration, path));
  coap::SetContentFormat(request.options, format::IdOf(*format));
  request.payload = std::move(*payload);
  Send(*target, std::move(request), std::move(reply), [path](const coap::Message& answer) {
    return DmResult<boost::json::value>(
        boost::json::object{{"path", ToString(path)}, {"code", coap::ToString(answer.code)}});
  });
}

void DeviceManager::WriteAttributes(core::DeviceId device, const Path& path,
                                    const NotificationAttributes& attributes, Reply reply) {
  auto target = Resolve(device);
  if (!target) return reply(tl::unexpected(target.error()));
  if (auto valid = Validate(attributes, path); !valid) {
    return reply(
        MakeDmError(ErrorCode::kInvalidArgument, "invalid_attributes", valid.error().message));
  }
  coap::Message request;
  request.code = coap::codes::kPut;
  coap::SetUriPath(request.options, dm::UriPathOf(target->registration, path));
  for (const auto& argument : QueryArguments(attributes)) {
    request.options.AddString(coap::option::kUriQuery, argument);
  }
  Send(
      *target, std::move(request), std::move(reply),
      [path, json = ToJson(attributes)](const coap::Message& answer) {
        return DmResult<boost::json::value>(boost::json::object{
            {"path", ToString(path)}, {"attributes", json}, {"code", coap::ToString(answer.code)}});
      });
}

void DeviceManager::Execute(core::DeviceId device, const Path& path, std::string arguments,
                            Reply reply) {
  auto target = Resolve(device);
  if (!target) return reply(tl::unexpected(target.error()));
  if (!path.IsResource()) {
    return reply(MakeDmError(ErrorCode::kInvalidArgument, "bad_path",
                             "Execute goes to a resource (/object/instance/resource)"));
  }
  coap::Message request;
  request.code = coap::codes::kPost;
  coap::SetUriPath(request.options, dm::UriPathOf(target->registration, path));
  if (!arguments.empty()) {
    coap::SetContentFormat(request.options, format::IdOf(format::ContentFormat::kPlainText));
    request.payload.assign(arguments.begin(), arguments.end());
  }
  Send(*target, std::move(request), std::move(reply), [path](const coap::Message& answer) {
    return DmResult<boost::json::value>(
        boost::json::object{{"path", ToString(path)}, {"code", coap::ToString(answer.code)}});
  });
}

void DeviceManager::Create(core::DeviceId device, const Path& object,
                           const boost::json::value& value, Reply reply) {
  auto target = Resolve(device);
  if (!target) return reply(tl::unexpected(target.error()));
  if (!object.IsObject()) {
    return reply(
        MakeDmError(ErrorCode::kInvalidArgument, "bad_path", "Create goes to an object (/object)"));
  }
  // An instance node names its instance; an object node holds instances.
  Path base = object;
  if (value.is_object() && value.as_object().contains("resources")) {
    const auto* id = value.as_object().if_contains("id");
    if (id == nullptr || !id->is_int64() || id->as_int64() < 0 || id->as_int64() > 65534) {
      return reply(MakeDmError(ErrorCode::kInvalidArgument, "invalid_value",
                               "an instance to create needs its \"id\" (0..65534)"));
    }
    base = Path::Instance(*object.object, static_cast<std::uint16_t>(id->as_int64()));
  }
  auto records = FromJson(value, base, objects_, target->versions, WriteKind::kCreate);
  if (!records) {
    return reply(MakeDmError(records.error().code, "invalid_value", records.error().message));
  }
  auto format = dm::FormatFor(target->registration, object, format::Shape::kTree, objects_);
  if (!format) return reply(tl::unexpected(format.error()));
  auto payload = format::Encode(*format, *records, object);
  if (!payload) {
    return reply(MakeDmError(payload.error().code, "invalid_value", payload.error().message));
  }
  coap::Message request;
  request.code = coap::codes::kPost;
  coap::SetUriPath(request.options, dm::UriPathOf(target->registration, object));
  coap::SetContentFormat(request.options, format::IdOf(*format));
  request.payload = std::move(*payload);
  Send(*target, std::move(request), std::move(reply),
       [t = *target, base](const coap::Message& answer) {
         std::string location = coap::LocationPath(answer.options);
         std::string created =
             location == "/" ? ToString(base) : dm::StripRoot(t.registration, location);
         return DmResult<boost::json::value>(
             boost::json::object{{"path", created}, {"code", coap::ToString(answer.code)}});
       });
}

void DeviceManager::Delete(core::DeviceId device, const Path& path, Reply reply) {
  auto target = Resolve(device);
  if (!target) return reply(tl::unexpected(target.error()));
  if (path.IsRoot()) {
    return reply(MakeDmError(ErrorCode::kInvalidArgument, "bad_path", "Delete needs a path"));
  }
  coap::Message request;
  request.code = coap::codes::kDelete;
  coap::SetUriPath(request.options, dm::UriPathOf(target->registration, path));
  Send(*target, std::move(request), std::move(reply), [path](const coap::Message& answer) {
    return DmResult<boost::json::value>(
        boost::json::object{{"path", ToString(path)}, {"code", coap::ToString(answer.code)}});
  });
}

void DeviceManager::ReadComposite(core::DeviceId device, std::vector<Path> paths, Reply reply) {
  auto target = Resolve(device);
  if (!target) return reply(tl::unexpected(target.error()));
  auto request = CompositeRequest(*target, paths);
  if (!request) return reply(tl::unexpected(request.error()));
  Send(*target, std::move(*request), std::move(reply),
       [this, t = *target](const coap::Message& answer) -> DmResult<boost::json::value> {
         auto records = DecodeRecords(t, Path::Root(), answer);
         if (!records) return tl::unexpected(records.error());
         return Typed(t, Path::Root(), *records);
       });
}

DmResult<coap::Message> DeviceManager::CompositeRequest(const Target& target,
                                                        const std::vector<Path>& paths) const {
  if (paths.empty()) {
    return MakeDmError(ErrorCode::kInvalidArgument, "bad_path", "no path given");
  }
  auto format =
      dm::FormatFor(target.registration, Path::Root(), format::Shape::kComposite, objects_);
  if (!format) return tl::unexpected(format.error());
  // The paths travel in SenML (TS Core §6.3.3), the values in the chosen format.
  auto body_format = *format;
  if (body_format != format::ContentFormat::kSenmlJson &&
      body_format != format::ContentFormat::kSenmlCbor) {
    const auto& declared = target.registration.objects.content_formats;
    const bool cbor = std::find(declared.begin(), declared.end(),
                                format::IdOf(format::ContentFormat::kSenmlCbor)) != declared.end();
    body_format = cbor ? format::ContentFormat::kSenmlCbor : format::ContentFormat::kSenmlJson;
  }
  auto body = format::EncodePaths(body_format, paths);
  if (!body) return MakeDmError(body.error().code, "bad_path", body.error().message);
  coap::Message request;
  request.code = dm::kFetch;
  coap::SetUriPath(request.options, dm::UriPathOf(target.registration, Path::Root()));
  coap::SetContentFormat(request.options, format::IdOf(body_format));
  coap::SetAccept(request.options, format::IdOf(*format));
  request.payload = std::move(*body);
  return request;
}

DmResult<std::vector<Record>> DeviceManager::CompositeRecords(
    const Target& target, const boost::json::value& value) const {
  auto invalid = [](std::string message) {
    return MakeDmError(ErrorCode::kInvalidArgument, "invalid_value", std::move(message));
  };
  auto id_of = [](const boost::json::value& node) -> std::optional<std::uint16_t> {
    const auto* id = node.is_object() ? node.as_object().if_contains("id") : nullptr;
    if (id == nullptr || !id->is_int64() || id->as_int64() < 0 || id->as_int64() > 65534) {
      return std::nullopt;
    }
    return static_cast<std::uint16_t>(id->as_int64());
  };
  const auto* objects = value.is_object() ? value.as_object().if_contains("objects") : nullptr;
  if (objects == nullptr || !objects->is_array() || objects->as_array().empty()) {
    return invalid("Write-Composite takes a root node {\"objects\": [...]}");
  }
  std::vector<Record> records;
  for (const auto& object : objects->as_array()) {
    auto object_id = id_of(object);
    const auto* instances =
        object.is_object() ? object.as_object().if_contains("instances") : nullptr;
    if (!object_id || instances == nullptr || !instances->is_array()) {
      return invalid("each object node needs its \"id\" and \"instances\"");
    }
    for (const auto& instance : instances->as_array()) {
      auto instance_id = id_of(instance);
      if (!instance_id) return invalid("each instance node needs its \"id\" (0..65534)");
      auto part = FromJson(instance, Path::Instance(*object_id, *instance_id), objects_,
                           target.versions, WriteKind::kWrite);
      if (!part) {
        return MakeDmError(part.error().code, "invalid_value", part.error().message);
      }
      records.insert(records.end(), part->begin(), part->end());
    }
  }
  return records;
}

void DeviceManager::WriteComposite(core::DeviceId device, const boost::json::value& value,
                                   Reply reply) {
  auto target = Resolve(device);
  if (!target) return reply(tl::unexpected(target.error()));
  // The root node holds object nodes holding instance nodes; each instance is read against
  // the model as a Write of it would be.
  auto records = CompositeRecords(*target, value);
  if (!records) return reply(tl::unexpected(records.error()));
  auto format =
      dm::FormatFor(target->registration, Path::Root(), format::Shape::kComposite, objects_);
  if (!format) return reply(tl::unexpected(format.error()));
  auto payload = format::Encode(*format, *records, Path::Root());
  if (!payload) {
    return reply(MakeDmError(payload.error().code, "invalid_value", payload.error().message));
  }
  coap::Message request;
  request.code = dm::kIPatch;
  coap::SetUriPath(request.options, dm::UriPathOf(target->registration, Path::Root()));
  coap::SetContentFormat(request.options, format::IdOf(*format));
  request.payload = std::move(*payload);
  Send(*target, std::move(request), std::move(reply), [](const coap::Message& answer) {
    return DmResult<boost::json::value>(
        boost::json::object{{"path", "/"}, {"code", coap::ToString(answer.code)}});
  });
}

}  // namespace custos::lwm2m::server
