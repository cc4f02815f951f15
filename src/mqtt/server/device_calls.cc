// The DeviceHandler boundary: callbacks run on the device's worker strand, and no exception
// crosses back into the server.
#include <spdlog/spdlog.h>

#include <atomic>
#include <exception>
#include <memory>

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

void PostOnPublish(ServerContext& ctx, Sender sender, Message message,
                   DeviceHandler::PublishDone done) {
  if (ctx.handler == nullptr) {
    done(ReasonCode::kSuccess);
    return;
  }
  ctx.handler_calls.Begin();
  DeviceHandler* handler = ctx.handler;
  CallCount* calls = &ctx.handler_calls;
  const core::DeviceId device = sender.device_id;
  asio::post(ctx.DeviceStrand(device), [handler, calls, sender = std::move(sender),
                                        message = std::move(message),
                                        done = std::move(done)]() mutable {
    // Exactly one answer, even from a handler that throws after (or instead of) answering.
    auto answered = std::make_shared<std::atomic<bool>>(false);
    auto once = [calls, answered, done = std::move(done)](ReasonCode reason) {
      if (answered->exchange(true)) return;
      done(reason);
      calls->End();
    };
    try {
      handler->OnPublishAsync(sender, message, once);
    } catch (...) {
      LogException("OnPublish", sender.device_id);
      once(ReasonCode::kImplementationSpecificError);
    }
  });
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
