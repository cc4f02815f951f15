// Two endpoints talking to each other: one the client, the other the server.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "coap/transport/endpoint.h"
#include "udp_peer.h"

namespace custos::coap {
namespace {

using testing::Bytes;
using testing::MakeMessage;
using namespace std::chrono_literals;

std::unique_ptr<Endpoint> StartOrDie(RequestHandler handler, std::size_t threads = 1) {
  EndpointOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = threads;
  auto started = Endpoint::Start(options, std::move(handler));
  EXPECT_TRUE(started) << started.error().message;
  return started ? std::move(*started) : nullptr;
}

core::Result<Message> Exchange(Endpoint& client, std::uint16_t port, std::string_view path,
                               bool confirmable = true) {
  RequestOptions options;
  options.confirmable = confirmable;
  auto promise = std::make_shared<std::promise<core::Result<Message>>>();
  auto future = promise->get_future();
  client.Request(Peer::V4({127, 0, 0, 1}, port),
                 MakeMessage(Type::kConfirmable, codes::kGet, 0, {}, path), options,
                 [promise](core::Result<Message> result) { promise->set_value(result); });
  if (future.wait_for(10s) != std::future_status::ready) {
    return core::MakeError(core::ErrorCode::kInternal, "the test gave up waiting");
  }
  return future.get();
}

// Answers /now during the handler and /later from another thread.
void Serve(IncomingRequest request, Responder responder) {
  Message response;
  response.code = codes::kContent;
  const std::string path = UriPath(request.message.options);
  response.payload = Bytes("at " + path);
  if (path == "/now") {
    responder.Respond(std::move(response));
    return;
  }
  std::thread([responder, response]() mutable { responder.Respond(std::move(response)); }).detach();
}

TEST(EndpointsTest, AnswerEachOtherPiggybackedAndSeparately) {
  auto server = StartOrDie(Serve, 2);
  auto client = StartOrDie(nullptr, 2);
  ASSERT_TRUE(server && client);
  for (const bool confirmable : {true, false}) {
    for (std::string_view path : {"/now", "/later"}) {
      auto result = Exchange(*client, server->port(), path, confirmable);
      ASSERT_TRUE(result) << path << ": " << result.error().message;
      EXPECT_EQ(result->code, codes::kContent);
      EXPECT_EQ(result->payload, Bytes("at " + std::string(path)));
    }
  }
  EXPECT_EQ(client->stats().transmit_timeouts, 0u);
  EXPECT_EQ(server->stats().transmit_timeouts, 0u);
}

TEST(EndpointsTest, AClientWithoutAHandlerAnswers404) {
  auto server = StartOrDie(nullptr);
  auto client = StartOrDie(nullptr);
  ASSERT_TRUE(server && client);
  auto result = Exchange(*client, server->port(), "/anything");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->code, codes::kNotFound);
}

}  // namespace
}  // namespace custos::coap
