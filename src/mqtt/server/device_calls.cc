// The DeviceHandler boundary: callbacks run on the device's worker strand, and no exception
// crosses back into the server.
#include <spdlog/spdlog.h>

#include <exception>

#include "mqtt/server/context.h"

namespace custos::mqtt::server {

namespace {

void LogException(const char* callback, core::DeviceId device) {
  try {
    throw;
  } catch (const std::exception& e) {
    spdlog::error("mqtt: {} of device {} threw: {}", callback, device, e.what());
  } catch (...) {
    spdlog::error("mqtt: {} of device {} threw", callback, device);
  }
}

}  // namespace

asio::awaitable<void> CallOnConnect(ServerContext& ctx, const ConnectInfo& info) {
  if (ctx.handler == nullptr) co_return;
  DeviceHandler* handler = ctx.handler;
  auto call = [handler, &info]() -> bool {
    try {
      handler->OnConnect(info);
    } catch (...) {
      LogException("OnConnect", info.device_id);
    }
    return true;
  };
  co_await RunOn(ctx.DeviceStrand(info.device_id), std::move(call));
}

asio::awaitable<ReasonCode> CallOnPublish(ServerContext& ctx, const Sender& sender,
                                          const Message& message) {
  if (ctx.handler == nullptr) co_return ReasonCode::kSuccess;
  DeviceHandler* handler = ctx.handler;
  auto call = [handler, &sender, &message]() -> ReasonCode {
    try {
      return handler->OnPublish(sender, message);
    } catch (...) {
      LogException("OnPublish", sender.device_id);
      return ReasonCode::kImplementationSpecificError;
    }
  };
  co_return co_await RunOn(ctx.DeviceStrand(sender.device_id), std::move(call));
}

void PostOnDisconnect(ServerContext& ctx, DisconnectInfo info) {
  if (ctx.handler == nullptr) return;
  DeviceHandler* handler = ctx.handler;
  const core::DeviceId device = info.device_id;
  asio::post(ctx.DeviceStrand(device), [handler, info = std::move(info)] {
    try {
      handler->OnDisconnect(info);
    } catch (...) {
      LogException("OnDisconnect", info.device_id);
    }
  });
}

void PostWill(ServerContext& ctx, const Principal& principal, Message will) {
  if (!principal.is_device()) return;
  Bump(ctx.counters.wills_published);
  if (ctx.handler == nullptr) return;
  Sender sender{principal.device_id, principal.name, /*will=*/true, /*dup=*/false};
  DeviceHandler* handler = ctx.handler;
  asio::post(ctx.DeviceStrand(principal.device_id),
             [handler, sender = std::move(sender), will = std::move(will)] {
               try {
                 handler->OnPublish(sender, will);
               } catch (...) {
                 LogException("OnPublish (will)", sender.device_id);
               }
             });
}

}  // namespace custos::mqtt::server
