// The Device Management interface (TS Core §6.3) on CoAP (TS Transport §6.4): each request
// from the server mapped to an ObjectStore operation, its payload decoded and its answer
// encoded in the content format asked for. A queue-mode client that sleeps hears nothing.
#include <string>
#include <utility>

#include "lwm2m/client/client_impl.h"

namespace custos::lwm2m::client {
namespace {

using coap::Message;
namespace codes = coap::codes;
using format::ContentFormat;

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  if (text.empty()) return parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

Message Content(ContentFormat format, std::vector<std::uint8_t> payload) {
  Message response = Reply(codes::kContent);
  coap::SetContentFormat(response.options, IdOf(format));
  response.payload = std::move(payload);
  return response;
}

Message Failure(const core::Error& error) { return Reply(CodeFor(error), error.message); }

}  // namespace

void ClientImpl::Handle(coap::IncomingRequest request, coap::Responder responder) {
  Message response;
  {
    std::lock_guard lock(mu_);
    if (sleeping_) {
      Log("asleep: ignored " + coap::ToString(request.message.code) + " " +
          coap::UriPath(request.message.options));
      responder.Ignore();
      return;
    }
    response = Dispatch(request, responder);
    Log(coap::ToString(request.message.code) + " " + coap::UriPath(request.message.options) + " " +
        coap::ToString(response.code));
  }
  responder.Respond(std::move(response));
  BeginDownload();
}

Message ClientImpl::Dispatch(const coap::IncomingRequest& request, coap::Responder& responder) {
  const Message& message = request.message;
  const std::string uri = coap::UriPath(message.options);
  if (message.code == codes::kFetch) return Composite(message, responder);
  if (message.code == codes::kIPatch) return WriteComposite(message);
  auto path = ParsePath(uri);
  if (!path) return Reply(codes::kNotFound, path.error().message);
  if (!path->IsRoot() && !store_.Exists(*path) &&
      !(message.code == codes::kPut && path->IsResource() && store_.Exists(path->Parent()) &&
        store_.ResourceAt(*path) != nullptr)) {
    return Reply(codes::kNotFound, "no " + uri);
  }
  const std::vector<std::string> query = Split(coap::UriQuery(message.options), '&');
  if (message.code == codes::kGet) {
    const auto accept = coap::Accept(message.options);
    if (accept == IdOf(ContentFormat::kLinkFormat)) return Discover(*path);
    return ReadOrObserve(message, *path, responder);
  }
  if (message.code == codes::kPut) {
    if (!coap::ContentFormat(message.options) && message.payload.empty()) {
      return WriteAttributes(*path, query);
    }
    return Write(message, *path, true);
  }
  if (message.code == codes::kPost) return PostTo(message, *path);
  if (message.code == codes::kDelete) {
    if (auto deleted = store_.Delete(*path); !deleted) return Failure(deleted.error());
    return Reply(codes::kDeleted);
  }
  return Reply(codes::kMethodNotAllowed);
}

std::optional<ContentFormat> ClientImpl::ReadFormat(const Message& request, bool composite) const {
  if (auto accept = coap::Accept(request.options)) {
    auto format = format::ContentFormatFromId(*accept);
    if (!format || *format == ContentFormat::kLinkFormat) return std::nullopt;
    if (options_.version == format::Lwm2mVersion::kV1_0 &&
        (*format == ContentFormat::kSenmlCbor || *format == ContentFormat::kSenmlJson ||
         *format == ContentFormat::kLwm2mCbor)) {
      return std::nullopt;
    }
    return format;
  }
  if (options_.version == format::Lwm2mVersion::kV1_0) {
    return composite ? std::nullopt : std::optional(ContentFormat::kTlv);
  }
  return ContentFormat::kSenmlCbor;
}

core::Result<std::vector<std::uint8_t>> ClientImpl::Encode(ContentFormat format,
                                                           const std::vector<Path>& paths,
                                                           bool composite) const {
  std::vector<Record> records;
  for (const Path& path : paths) {
    auto read = store_.Read(path);
    if (!read) return tl::unexpected(read.error());
    records.insert(records.end(), read->begin(), read->end());
  }
  const Path base = composite || paths.empty() ? Path::Root() : paths.front();
  auto encoded = format::Encode(format, records, base);
  if (!encoded) {
    // The format cannot say it (plain text for an instance, TLV across objects): 4.06.
    return core::MakeError(core::ErrorCode::kFailedPrecondition, encoded.error().message);
  }
  return encoded;
}

Message ClientImpl::ReadOrObserve(const Message& request, const Path& path,
                                  coap::Responder& responder) {
  const auto format = ReadFormat(request, false);
  if (!format) return Reply(codes::kNotAcceptable);
  auto payload = Encode(*format, {path}, false);
  if (!payload) {
    if (payload.error().code == core::ErrorCode::kFailedPrecondition) {
      return Reply(codes::kNotAcceptable, payload.error().message);
    }
    return Failure(payload.error());
  }
  if (coap::Observe(request.options) == 0u) {
    Observation observation;
    observation.paths = {path};
    observation.format = *format;
    Accept(responder, std::move(observation));
  }
  return Content(*format, std::move(*payload));
}

Message ClientImpl::Discover(const Path& path) const {
  if (path.IsRoot() || path.IsResourceInstance()) return Reply(codes::kMethodNotAllowed);
  std::vector<format::Link> links;
  const auto attributes_of = [this](const Path& p, format::Link& link) {
    auto it = attributes_.find(p);
    if (it == attributes_.end()) return;
    const format::Attributes& a = it->second;
    const auto number = [](double v) {
      std::string text = std::to_string(v);
      text.erase(text.find_last_not_of('0') + 1);
      if (text.back() == '.') text.pop_back();
      return text;
    };
    if (a.pmin) link.params.push_back({"pmin", std::to_string(*a.pmin), false});
    if (a.pmax) link.params.push_back({"pmax", std::to_string(*a.pmax), false});
    if (a.gt) link.params.push_back({"gt", number(*a.gt), false});
    if (a.lt) link.params.push_back({"lt", number(*a.lt), false});
    if (a.st) link.params.push_back({"st", number(*a.st), false});
    if (a.epmin) link.params.push_back({"epmin", std::to_string(*a.epmin), false});
    if (a.epmax) link.params.push_back({"epmax", std::to_string(*a.epmax), false});
  };
  const auto resource_link = [&](const Path& resource) {
    format::Link link{ToString(resource), {}};
    const ResourceDefinition* def = store_.ResourceAt(resource);
    if (def != nullptr && def->multiple) {
      link.params.push_back({"dim", std::to_string(store_.InstancesOf(resource).size()), false});
    }
    attributes_of(resource, link);
    links.push_back(std::move(link));
  };
  format::Link head{ToString(path), {}};
  if (path.IsObject()) {
    const ObjectDefinition* def = store_.Definition(*path.object);
    if (def != nullptr && def->version != ObjectVersion{1, 0}) {
      head.params.push_back({"ver", ToString(def->version), false});
    }
  }
  if (path.IsResource()) {
    resource_link(path);
  } else {
    attributes_of(path, head);
    links.push_back(head);
  }
  for (const auto& [object, instances] : store_.Objects()) {
    if (object != *path.object) continue;
    for (std::uint16_t instance : instances) {
      if (path.instance && *path.instance != instance) continue;
      if (path.IsObject()) {
        format::Link link{ToString(Path::Instance(object, instance)), {}};
        attributes_of(Path::Instance(object, instance), link);
        links.push_back(std::move(link));
      }
      if (path.IsResource()) continue;
      for (std::uint16_t resource : store_.ResourcesOf(object, instance)) {
        resource_link(Path::Resource(object, instance, resource));
      }
    }
  }
  auto text = format::SerializeLinks(links);
  if (!text) return Failure(text.error());
  return Content(ContentFormat::kLinkFormat, {text->begin(), text->end()});
}

Message ClientImpl::WriteAttributes(const Path& path, const std::vector<std::string>& query) {
  if (path.IsRoot()) return Reply(codes::kMethodNotAllowed);
  format::Attributes attributes = attributes_[path];
  for (const std::string& parameter : query) {
    const auto equals = parameter.find('=');
    const std::string name = parameter.substr(0, equals);
    const bool clear = equals == std::string::npos;
    const std::string value = clear ? "" : parameter.substr(equals + 1);
    try {
      std::size_t used = 0;
      const auto seconds = [&]() -> std::optional<std::uint32_t> {
        if (clear) return std::nullopt;
        const unsigned long parsed = std::stoul(value, &used);
        if (used != value.size() || value.front() == '-') throw std::invalid_argument(value);
        return static_cast<std::uint32_t>(parsed);
      };
      const auto number = [&]() -> std::optional<double> {
        if (clear) return std::nullopt;
        const double parsed = std::stod(value, &used);
        if (used != value.size()) throw std::invalid_argument(value);
        return parsed;
      };
      if (name == "pmin") {
        attributes.pmin = seconds();
      } else if (name == "pmax") {
        attributes.pmax = seconds();
      } else if (name == "epmin") {
        attributes.epmin = seconds();
      } else if (name == "epmax") {
        attributes.epmax = seconds();
      } else if (name == "gt") {
        attributes.gt = number();
      } else if (name == "lt") {
        attributes.lt = number();
      } else if (name == "st") {
        attributes.st = number();
      } else {
        return Reply(codes::kBadRequest, "unknown attribute " + name);
      }
    } catch (const std::exception&) {
      return Reply(codes::kBadRequest, "bad value for " + name);
    }
  }
  if (attributes.pmin && attributes.pmax && *attributes.pmax < *attributes.pmin) {
    return Reply(codes::kBadRequest, "pmax is below pmin");
  }
  attributes_[path] = attributes;
  return Reply(codes::kChanged);
}

Message ClientImpl::Write(const Message& request, const Path& path, bool replace) {
  const auto id = coap::ContentFormat(request.options);
  const auto format = id ? format::ContentFormatFromId(*id) : std::nullopt;
  if (!format || *format == ContentFormat::kLinkFormat) {
    return Reply(codes::kUnsupportedContentFormat);
  }
  if (path == Path::Resource(5, 0, 0)) {
    // The firmware package pushed whole (a Block1 upload, assembled by the transport).
    if (!replace) return Reply(codes::kMethodNotAllowed);
    std::vector<std::uint8_t> package = request.payload;
    if (*format != ContentFormat::kOpaque) {
      auto records = format::Decode(*format, request.payload, path, store_.Types());
      if (!records || records->size() != 1) return Reply(codes::kBadRequest);
      package = std::get<Opaque>((*records)[0].value);
    }
    StorePackage(package);
    return Reply(codes::kChanged);
  }
  auto records = format::Decode(*format, request.payload, path, store_.Types());
  if (!records) return Reply(codes::kBadRequest, records.error().message);
  if (auto written = store_.Write(path, *records, replace); !written) {
    return Failure(written.error());
  }
  AfterWrite(path);
  return Reply(codes::kChanged);
}

Message ClientImpl::PostTo(const Message& request, const Path& path) {
  if (path.IsResource()) {
    const std::string arguments(request.payload.begin(), request.payload.end());
    if (path == Path::Resource(5, 0, 2)) {
      if (auto executed = ExecuteFirmwareUpdate(); !executed) return Failure(executed.error());
      return Reply(codes::kChanged);
    }
    if (auto executed = store_.Execute(path, arguments); !executed) {
      return Failure(executed.error());
    }
    return Reply(codes::kChanged);
  }
  if (path.IsInstance()) return Write(request, path, false);
  if (path.IsObject()) {
    const auto id = coap::ContentFormat(request.options);
    const auto format = id ? format::ContentFormatFromId(*id) : std::nullopt;
    if (!format) return Reply(codes::kUnsupportedContentFormat);
    auto records = format::Decode(*format, request.payload, path, store_.Types());
    if (!records) return Reply(codes::kBadRequest, records.error().message);
    std::optional<std::uint16_t> instance;
    if (!records->empty()) instance = records->front().path.instance;
    auto created = store_.Create(*path.object, instance, *records);
    if (!created) return Failure(created.error());
    Message response = Reply(codes::kCreated);
    coap::SetLocationPath(response.options, ToString(Path::Instance(*path.object, *created)));
    return response;
  }
  return Reply(codes::kMethodNotAllowed);
}

Message ClientImpl::Composite(const Message& request, coap::Responder& responder) {
  const auto id = coap::ContentFormat(request.options);
  const auto format = id ? format::ContentFormatFromId(*id) : std::nullopt;
  if (!format) return Reply(codes::kUnsupportedContentFormat);
  auto paths = format::DecodePaths(*format, request.payload);
  if (!paths) return Reply(codes::kBadRequest, paths.error().message);
  const auto answer = ReadFormat(request, true);
  if (!answer) return Reply(codes::kNotAcceptable);
  for (const Path& path : *paths) {
    if (!store_.Exists(path)) return Reply(codes::kNotFound, "no " + ToString(path));
  }
  auto payload = Encode(*answer, *paths, true);
  if (!payload) return Failure(payload.error());
  if (coap::Observe(request.options) == 0u) {
    Observation observation;
    observation.paths = *paths;
    observation.composite = true;
    observation.format = *answer;
    Accept(responder, std::move(observation));
  }
  return Content(*answer, std::move(*payload));
}

Message ClientImpl::WriteComposite(const Message& request) {
  const auto id = coap::ContentFormat(request.options);
  const auto format = id ? format::ContentFormatFromId(*id) : std::nullopt;
  if (!format) return Reply(codes::kUnsupportedContentFormat);
  auto records = format::Decode(*format, request.payload, Path::Root(), store_.Types());
  if (!records) return Reply(codes::kBadRequest, records.error().message);
  for (const Record& record : *records) {
    if (!store_.Exists(record.path.IsResourceInstance() ? record.path.Parent() : record.path) &&
        store_.ResourceAt(record.path) == nullptr) {
      return Reply(codes::kNotFound, "no " + ToString(record.path));
    }
  }
  for (const Record& record : *records) {
    const Path target = record.path.IsResourceInstance() ? record.path.Parent() : record.path;
    if (auto written = store_.Write(target, std::span(&record, 1), false); !written) {
      return Failure(written.error());
    }
    AfterWrite(target);
  }
  return Reply(codes::kChanged);
}

void ClientImpl::AfterWrite(const Path& path) {
  if (Path::Resource(5, 0, 1).Contains(path) || path == Path::Instance(5, 0)) {
    if (auto uri = store_.Get(Path::Resource(5, 0, 1))) {
      StartDownload(std::get<std::string>(*uri));
    }
  }
  if (path.object == 1) {
    if (auto lifetime = store_.Get(Path::Resource(1, 0, 1))) {
      const std::int64_t seconds = std::get<std::int64_t>(*lifetime);
      if (seconds > 0 && seconds != options_.lifetime_s) {
        options_.lifetime_s = seconds;
        update_requested_ = true;  // the new lifetime goes with the next Update (§6.2.2)
      }
    }
  }
}

}  // namespace custos::lwm2m::client
