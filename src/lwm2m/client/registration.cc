// The Registration interface from the device's side (TS Core §6.2): Register with the
// object list, Updates before the lifetime runs out, De-register; queue mode's wake-ups.
#include <utility>

#include "lwm2m/client/client_impl.h"

namespace custos::lwm2m::client {
namespace {

const char* VersionText(format::Lwm2mVersion version) {
  switch (version) {
    case format::Lwm2mVersion::kV1_0:
      return "1.0";
    case format::Lwm2mVersion::kV1_1:
      return "1.1";
    case format::Lwm2mVersion::kV1_2:
      return "1.2";
  }
  return "1.0";
}

core::Error FromResponse(const coap::Message& response, const char* what) {
  const std::string text(response.payload.begin(), response.payload.end());
  core::ErrorCode code = core::ErrorCode::kUnavailable;
  if (response.code == coap::codes::kForbidden) code = core::ErrorCode::kPermissionDenied;
  if (response.code == coap::codes::kBadRequest) code = core::ErrorCode::kInvalidArgument;
  if (response.code == coap::codes::kNotFound) code = core::ErrorCode::kNotFound;
  return core::Error{code,
                     std::string(what) + " answered " + coap::ToString(response.code) +
                         (text.empty() ? "" : ": " + text),
                     std::nullopt};
}

}  // namespace

std::string ClientImpl::ObjectLinks() const {
  std::vector<format::Link> links;
  if (options_.version != format::Lwm2mVersion::kV1_0) {
    // The formats this client reads and writes besides TLV and plain text.
    std::string ct = "60 110 112 11542 11543";
    if (options_.version == format::Lwm2mVersion::kV1_2) ct += " 11544";
    links.push_back(format::Link{"/", {{"rt", "oma.lwm2m", true}, {"ct", ct, true}}});
  }
  for (const auto& [object, instances] : store_.Objects()) {
    if (object == 0) continue;  // the Security object is never listed
    const ObjectDefinition* definition = store_.Definition(object);
    format::Link link{"/" + std::to_string(object), {}};
    if (definition != nullptr && definition->version != ObjectVersion{1, 0}) {
      link.params.push_back({"ver", ToString(definition->version), false});
    }
    if (instances.empty() || !link.params.empty()) links.push_back(link);
    for (std::uint16_t instance : instances) {
      links.push_back(format::Link{ToString(Path::Instance(object, instance)), {}});
    }
  }
  return format::SerializeLinks(links).value_or("");
}

coap::Message ClientImpl::RegisterMessage() const {
  coap::Message request;
  request.code = coap::codes::kPost;
  coap::SetUriPath(request.options, "/rd");
  std::string query = "ep=" + options_.endpoint_name +
                      "&lt=" + std::to_string(options_.lifetime_s) +
                      "&lwm2m=" + VersionText(options_.version) + "&b=" + options_.binding;
  if (options_.queue_mode) {
    query += options_.version == format::Lwm2mVersion::kV1_0 ? "Q" : "&Q";
  }
  coap::SetUriQuery(request.options, query);
  coap::SetContentFormat(request.options, IdOf(format::ContentFormat::kLinkFormat));
  const std::string links = ObjectLinks();
  request.payload.assign(links.begin(), links.end());
  return request;
}

coap::Message ClientImpl::UpdateMessage(bool with_objects) const {
  coap::Message request;
  request.code = coap::codes::kPost;
  coap::SetUriPath(request.options, location_);
  coap::SetUriQuery(request.options, "lt=" + std::to_string(options_.lifetime_s));
  if (with_objects) {
    coap::SetContentFormat(request.options, IdOf(format::ContentFormat::kLinkFormat));
    const std::string links = ObjectLinks();
    request.payload.assign(links.begin(), links.end());
  }
  return request;
}

void ClientImpl::ScheduleUpdate(core::TimeMs now) {
  // Well before the lifetime runs out, leaving room for retransmissions.
  const std::int64_t lifetime_ms = options_.lifetime_s * 1000;
  next_update_ = now + std::max<std::int64_t>(lifetime_ms * 9 / 10, lifetime_ms - 93'000);
}

void ClientImpl::WakeUp(core::TimeMs now) {
  if (!options_.queue_mode) return;
  if (sleeping_) Log("wake");
  sleeping_ = false;
  awake_until_ = now + options_.queue_awake.count();
}

void ClientImpl::StartRegister(Done done) {
  coap::Message request;
  {
    std::lock_guard lock(mu_);
    registering_ = true;
    ++registrations_;
    WakeUp(clock_.Now());
    request = RegisterMessage();
  }
  endpoint_->Request(
      server_, std::move(request), {},
      [this, done = std::move(done)](core::Result<coap::Message> response) {
        core::Result<void> result;
        {
          std::lock_guard lock(mu_);
          registering_ = false;
          if (!response) {
            result = tl::unexpected(response.error());
          } else if (response->code != coap::codes::kCreated) {
            result = tl::unexpected(FromResponse(*response, "Register"));
          } else {
            location_ = coap::LocationPath(response->options);
            registered_ = true;
            ScheduleUpdate(clock_.Now());
          }
          Log("register " + (response ? coap::ToString(response->code) : response.error().message));
        }
        done(std::move(result));
      });
}

void ClientImpl::StartUpdate(bool with_objects, Done done) {
  coap::Message request;
  {
    std::lock_guard lock(mu_);
    if (!registered_) {
      done(core::MakeError(core::ErrorCode::kFailedPrecondition, "not registered"));
      return;
    }
    ++updates_;
    WakeUp(clock_.Now());
    request = UpdateMessage(with_objects);
  }
  endpoint_->Request(
      server_, std::move(request), {},
      [this, done = std::move(done)](core::Result<coap::Message> response) {
        core::Result<void> result;
        bool register_again = false;
        {
          std::lock_guard lock(mu_);
          if (!response) {
            result = tl::unexpected(response.error());
          } else if (response->code == coap::codes::kChanged) {
            ScheduleUpdate(clock_.Now());
          } else {
            result = tl::unexpected(FromResponse(*response, "Update"));
            // 4.04: the server forgot us (expired, restarted): register again (§6.2.2).
            register_again = response->code == coap::codes::kNotFound;
            if (register_again) {
              registered_ = false;
              EndObservations();
            }
          }
          Log("update " + (response ? coap::ToString(response->code) : response.error().message));
        }
        if (register_again) {
          StartRegister(std::move(done));
          return;
        }
        done(std::move(result));
      });
}

void ClientImpl::StartDeregister(Done done) {
  coap::Message request;
  {
    std::lock_guard lock(mu_);
    if (!registered_) {
      done(core::MakeError(core::ErrorCode::kFailedPrecondition, "not registered"));
      return;
    }
    request.code = coap::codes::kDelete;
    coap::SetUriPath(request.options, location_);
  }
  endpoint_->Request(server_, std::move(request), {},
                     [this, done = std::move(done)](core::Result<coap::Message> response) {
                       core::Result<void> result;
                       {
                         std::lock_guard lock(mu_);
                         if (!response) {
                           result = tl::unexpected(response.error());
                         } else if (response->code != coap::codes::kDeleted) {
                           result = tl::unexpected(FromResponse(*response, "De-register"));
                         } else {
                           registered_ = false;
                           location_.clear();
                           EndObservations();
                         }
                         Log("deregister " + (response ? coap::ToString(response->code)
                                                       : response.error().message));
                       }
                       done(std::move(result));
                     });
}

core::Result<void> ClientImpl::Register(std::chrono::milliseconds timeout) {
  return Wait([this](Done done) { StartRegister(std::move(done)); }, timeout);
}

core::Result<void> ClientImpl::Update(bool with_objects, std::chrono::milliseconds timeout) {
  return Wait([this, with_objects](Done done) { StartUpdate(with_objects, std::move(done)); },
              timeout);
}

core::Result<void> ClientImpl::Deregister(std::chrono::milliseconds timeout) {
  return Wait([this](Done done) { StartDeregister(std::move(done)); }, timeout);
}

core::Result<void> ClientImpl::Send(const std::vector<Path>& paths,
                                    std::chrono::milliseconds timeout) {
  coap::Message request;
  {
    std::lock_guard lock(mu_);
    if (options_.version == format::Lwm2mVersion::kV1_0) {
      return core::MakeError(core::ErrorCode::kFailedPrecondition, "Send needs LwM2M 1.1 or later");
    }
    auto payload = Encode(format::ContentFormat::kSenmlCbor, paths, true);
    if (!payload) return tl::unexpected(payload.error());
    request.code = coap::codes::kPost;
    coap::SetUriPath(request.options, "/dp");
    coap::SetContentFormat(request.options, IdOf(format::ContentFormat::kSenmlCbor));
    request.payload = std::move(*payload);
  }
  return Wait(
      [this, request](Done done) {
        endpoint_->Request(server_, request, {},
                           [this, done = std::move(done)](core::Result<coap::Message> response) {
                             if (!response) return done(tl::unexpected(response.error()));
                             {
                               std::lock_guard lock(mu_);
                               Log("send " + coap::ToString(response->code));
                             }
                             if (response->code != coap::codes::kChanged) {
                               return done(tl::unexpected(FromResponse(*response, "Send")));
                             }
                             done({});
                           });
      },
      timeout);
}

}  // namespace custos::lwm2m::client
