// A device for the device manager's tests: a real CoAP endpoint on a free local port that
// records every request and answers each with what the test set for its method and path.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "coap/transport/endpoint.h"

namespace custos::lwm2m::server::testing {

class FakeDevice {
 public:
  // What the device does with a request: answer it, or (nullopt) never answer.
  using Script = std::function<std::optional<coap::Message>(const coap::IncomingRequest&)>;

  FakeDevice() {
    coap::EndpointOptions options;
    options.listen = "127.0.0.1:0";
    auto started = coap::Endpoint::Start(
        options, [this](coap::IncomingRequest request, coap::Responder responder) {
          Handle(std::move(request), std::move(responder));
        });
    if (started) endpoint_ = std::move(*started);
  }
  ~FakeDevice() {
    if (endpoint_) endpoint_->Stop();
  }

  bool ok() const { return endpoint_ != nullptr; }
  coap::Peer peer() const { return coap::Peer::V4({127, 0, 0, 1}, endpoint_->port()); }

  // Answers `method` on `path` (the Uri-Path as sent, e.g. "/3/0/0") with `answer`.
  void On(coap::Code method, std::string path, Script script) {
    std::lock_guard lock(mu_);
    scripts_[{method.raw, std::move(path)}] = std::move(script);
  }
  void Answer(coap::Code method, std::string path, coap::Code code, std::string payload = {},
              std::optional<std::uint16_t> content_format = std::nullopt) {
    On(method, std::move(path), [=](const coap::IncomingRequest&) {
      coap::Message m;
      m.code = code;
      m.payload.assign(payload.begin(), payload.end());
      if (content_format) coap::SetContentFormat(m.options, *content_format);
      return std::optional<coap::Message>(m);
    });
  }
  // Accepts observations of `path`, answering with what `script` gives.
  void Observable(std::string path, Script script) {
    std::lock_guard lock(mu_);
    observable_[path] = std::move(script);
  }
  // Notifies every observer of `path` with `message`.
  void Notify(const std::string& path, const coap::Message& message) {
    std::vector<coap::Notifier> notifiers;
    {
      std::lock_guard lock(mu_);
      for (auto& [p, n] : notifiers_) {
        if (p == path && n.active()) notifiers.push_back(n);
      }
    }
    for (auto& n : notifiers) n.Notify(message, true);
  }
  std::size_t ActiveObservers(const std::string& path) {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (auto& [p, notifier] : notifiers_) n += p == path && notifier.active();
    return n;
  }

  // The requests received so far; waits up to `timeout` for at least `count` of them.
  std::vector<coap::IncomingRequest> Requests(
      std::size_t count = 0, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
    return requests_;
  }

 private:
  void Handle(coap::IncomingRequest request, coap::Responder responder) {
    const std::string path = coap::UriPath(request.message.options);
    Script script;
    bool observe = false;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      auto registering = coap::Observe(request.message.options);
      if (registering && *registering == 0 && observable_.contains(path)) {
        script = observable_[path];
        observe = true;
      } else if (auto it = scripts_.find({request.message.code.raw, path}); it != scripts_.end()) {
        script = it->second;
      }
    }
    cv_.notify_all();
    if (observe) {
      auto notifier = responder.AcceptObservation([](core::Error) {});
      std::lock_guard lock(mu_);
      notifiers_.emplace_back(path, notifier);
    }
    std::optional<coap::Message> answer;
    if (script) {
      answer = script(request);
    } else {
      coap::Message m;
      m.code = coap::codes::kNotFound;
      answer = m;
    }
    if (answer) {
      responder.Respond(std::move(*answer));
    } else {
      // Held, never answered: a Responder dropped unanswered would answer for us.
      std::lock_guard lock(mu_);
      unanswered_.push_back(std::move(responder));
    }
  }

  std::unique_ptr<coap::Endpoint> endpoint_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::pair<std::uint8_t, std::string>, Script> scripts_;
  std::map<std::string, Script> observable_;
  std::vector<std::pair<std::string, coap::Notifier>> notifiers_;
  std::vector<coap::IncomingRequest> requests_;
  std::vector<coap::Responder> unanswered_;
};

}  // namespace custos::lwm2m::server::testing
