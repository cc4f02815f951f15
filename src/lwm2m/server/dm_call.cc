// DeviceManager::Call: an operation named as the REST API names it, parsed, run and waited
// for.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <future>

#include "lwm2m/server/device_manager.h"

namespace custos::lwm2m::server {
namespace {

using core::ErrorCode;
using Kind = ManagementCall::Kind;

DmResult<Path> ParseCallPath(const std::string& text) {
  auto path = ParsePath(text);
  if (!path) {
    return MakeDmError(ErrorCode::kInvalidArgument, "bad_path",
                       fmt::format("'{}' is not an LwM2M path: {}", text, path.error().message));
  }
  return *path;
}

DmResult<std::vector<Path>> ParseCallPaths(const std::vector<std::string>& texts) {
  if (texts.empty()) {
    return MakeDmError(ErrorCode::kInvalidArgument, "bad_path", "\"paths\" is empty");
  }
  std::vector<Path> out;
  for (const auto& text : texts) {
    auto path = ParseCallPath(text);
    if (!path) return tl::unexpected(path.error());
    out.push_back(*path);
  }
  return out;
}

}  // namespace

DmResult<boost::json::value> DeviceManager::Call(const ManagementCall& call) {
  if (call.kind == Kind::kObservations) return ListObservations(call.device);
  auto promise = std::make_shared<std::promise<DmResult<boost::json::value>>>();
  auto future = promise->get_future();
  Start(call, [promise](DmResult<boost::json::value> result) {
    promise->set_value(std::move(result));
  });
  if (future.wait_for(options_.request_timeout) != std::future_status::ready) {
    return MakeDmError(
        ErrorCode::kTimeout, "timeout",
        fmt::format("the device did not answer within {} ms", options_.request_timeout.count()));
  }
  return future.get();
}

void DeviceManager::Start(const ManagementCall& call, Reply reply) {
  if (call.kind == Kind::kObservations) {
    reply(ListObservations(call.device));
    return;
  }
  const bool composite = call.kind == Kind::kReadComposite || call.kind == Kind::kObserve;
  const bool pathless =
      composite || call.kind == Kind::kWriteComposite || call.kind == Kind::kCancelObservation;
  Path path;
  if (!pathless) {
    auto parsed = ParseCallPath(call.path);
    if (!parsed) return reply(tl::unexpected(parsed.error()));
    path = *parsed;
  }
  std::vector<Path> paths;
  if (composite) {
    auto parsed = ParseCallPaths(call.paths);
    if (!parsed) return reply(tl::unexpected(parsed.error()));
    paths = std::move(*parsed);
  }
  switch (call.kind) {
    case Kind::kRead: {
      std::optional<format::ContentFormat> format;
      if (!call.format.empty()) {
        auto parsed = ParseFormatName(call.format);
        if (!parsed) {
          return reply(
              MakeDmError(ErrorCode::kInvalidArgument, "bad_format", parsed.error().message));
        }
        format = *parsed;
      }
      Read(call.device, path, format, std::move(reply));
      return;
    }
    case Kind::kDiscover:
      Discover(call.device, path, std::move(reply));
      return;
    case Kind::kWrite:
    case Kind::kWritePartial:
      Write(call.device, path, call.body, call.kind == Kind::kWritePartial, std::move(reply));
      return;
    case Kind::kWriteAttributes: {
      auto attributes = AttributesFromJson(call.body);
      if (!attributes) {
        return reply(MakeDmError(ErrorCode::kInvalidArgument, "invalid_attributes",
                                 attributes.error().message));
      }
      WriteAttributes(call.device, path, *attributes, std::move(reply));
      return;
    }
    case Kind::kExecute:
      Execute(call.device, path, call.arguments, std::move(reply));
      return;
    case Kind::kCreate:
      Create(call.device, path, call.body, std::move(reply));
      return;
    case Kind::kDelete:
      Delete(call.device, path, std::move(reply));
      return;
    case Kind::kReadComposite:
      ReadComposite(call.device, std::move(paths), std::move(reply));
      return;
    case Kind::kWriteComposite:
      WriteComposite(call.device, call.body, std::move(reply));
      return;
    case Kind::kObserve:
      Observe(call.device, std::move(paths), std::move(reply));
      return;
    case Kind::kCancelObservation:
      CancelObservation(call.device, call.observation, call.active, std::move(reply));
      return;
    case Kind::kObservations:
      return;
  }
}

}  // namespace custos::lwm2m::server
