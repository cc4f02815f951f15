// The REST API without sockets: resolves a request to its route, authenticates and authorises
// the caller, runs the handler and maps every failure to its HTTP answer. The connection code
// calls it from the worker pool; tests call it directly. Internal to the api module.
#pragma once

#include <string>

#include "api/http_server.h"
#include "api/message.h"
#include "api/router.h"

namespace custos::api {

class RestApi {
 public:
  explicit RestApi(Services services);

  Router::Resolution Resolve(std::string_view method, std::string_view path) const {
    return router_.Resolve(method, path);
  }

  // Sets req.actor from `Authorization: Bearer <secret>` (or, on the event stream only,
  // `?access_token=`) and checks the route's role: kUnauthenticated / kPermissionDenied.
  // Public routes pass without a token. Blocks on the store.
  core::Result<void> Authorize(const Route& route, Request& req) const;

  // Answers a resolved request: 404/405 when nothing was found, otherwise authorises and runs
  // the route's handler. Never throws: an escaped exception becomes a 500.
  Response Run(const Router::Resolution& resolution, Request& req) const;

  // Run's answer when the route has a memory handler, the caller's token is in memory and
  // the handler gets what it reads without waiting; nullopt otherwise (then call Run on the
  // worker pool).
  // Never blocks and never throws, so the connection calls it on its I/O thread.
  std::optional<Response> AnswerFromMemory(const Router::Resolution& resolution,
                                           Request& req) const;

  // Resolve and Run.
  Response Handle(Request& req) const;

  const Services& services() const { return services_; }

 private:
  Services services_;
  Router router_;
};

}  // namespace custos::api
