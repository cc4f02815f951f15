// What every connection of one server shares, and the helpers that run work off the socket
// threads. Internal to the mqtt/server module; includes Asio, so only the module's own
// translation units include it.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include "mqtt/server/admission.h"
#include "mqtt/server/authenticator.h"
#include "mqtt/server/counters.h"
#include "mqtt/server/server.h"
#include "mqtt/server/session_registry.h"

namespace custos::mqtt::server {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;
using WorkerStrand = asio::strand<asio::thread_pool::executor_type>;

class Connection;

// The live connections, so that the sweep can check their deadlines and Stop() can end them.
class ConnectionSet {
 public:
  void Add(std::shared_ptr<Connection> c);
  void Remove(const std::shared_ptr<Connection>& c);
  std::size_t size() const;
  // Calls `fn` on each, under the set's lock: `fn` must not come back to the set.
  void ForEach(const std::function<void(const std::shared_ptr<Connection>&)>& fn) const;
  // Whether the set emptied within `timeout`.
  bool WaitEmpty(std::chrono::milliseconds timeout);
  void Clear();

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_set<std::shared_ptr<Connection>> live_;
};

// Handler calls handed over and not answered yet, so that Stop() can wait for them: their
// answers come back to connections that the server owns.
class CallCount {
 public:
  void Begin();
  void End();
  // Whether none was left within `timeout`.
  bool WaitZero(std::chrono::milliseconds timeout);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t open_ = 0;
};

struct ServerContext {
  const ServerOptions& options;
  Services services;
  DeviceHandler* handler;
  Counters& counters;
  SessionRegistry& sessions;
  const Authenticator& authenticator;
  TokenBucket& admission;
  asio::thread_pool& workers;
  // A device's callbacks all run on strand device_id % size, so they come in order.
  std::vector<WorkerStrand>& device_strands;
  ConnectionSet& connections;
  std::atomic<bool>& stopping;
  CallCount& handler_calls;

  WorkerStrand& DeviceStrand(core::DeviceId device) {
    return device_strands[static_cast<std::size_t>(device) % device_strands.size()];
  }
};

// Runs `fn` on `executor` (a worker pool or one of its strands) and resumes the calling
// coroutine on its own executor with the result. `fn` owns what it uses, or points into the
// caller's coroutine frame (alive until it resumes), and must not throw.
template <class Executor, class F>
asio::awaitable<std::invoke_result_t<F&>> RunOn(Executor executor, F fn) {
  using R = std::invoke_result_t<F&>;
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
      [executor](auto handler, F work) {
        asio::post(executor, [handler = std::move(handler), work = std::move(work)]() mutable {
          R result = work();
          auto ex = asio::get_associated_executor(handler);
          asio::dispatch(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      asio::use_awaitable, std::move(fn));
}

// GCC 12 mishandles non-trivial temporaries (lambdas with init-captures, strings) inside a
// co_await expression: build them as named locals first, then co_await.

// The DeviceHandler calls, on the device's strand, with exceptions caught and logged.
asio::awaitable<void> CallOnConnect(ServerContext& ctx, const ConnectInfo& info);
// Hands a device's message to DeviceHandler::OnPublishAsync on the device's strand and
// returns at once; `done` is called once with the answer, from any thread (counted in
// handler_calls until then).
void PostOnPublish(ServerContext& ctx, Sender sender, Message message,
                   DeviceHandler::PublishDone done);
void PostOnDisconnect(ServerContext& ctx, DisconnectInfo info);
// Publishes a device's Last Will through OnPublish (counted); operators have none.
void PostWill(ServerContext& ctx, const Principal& principal, Message will);

// The properties of `in` that travel with a message end to end (see Message).
Properties EndToEndProperties(const Properties& in);

// Queues `message` in `session` for its subscriptions (see Server::Publish) and, when the
// session is connected, tells its connection to send.
core::Result<PublishOutcome> Deliver(ServerContext& ctx, Session& session,
                                     std::shared_ptr<const Message> message);

}  // namespace custos::mqtt::server
