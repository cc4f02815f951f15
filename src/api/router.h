// Path templates ("/api/v1/devices/{id}") to routes, with the 404/405 distinction.
// Internal to the api module.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_server.h"
#include "api/message.h"
#include "core/core.h"

namespace custos::api {

// How the connection treats a route: most read a bounded body and answer once; the import
// streams its body in batches; the event stream answers forever; a firmware upload streams its
// body to a file.
enum class RouteKind { kPlain, kImport, kEventStream, kFirmwareUpload };

// Handlers are plain functions of the services and the request, so that the route table is
// static data (Routes() lists it without a server).
using Handler = core::Result<Response> (*)(const Services&, Request&);
// A handler's fast path: the answer if everything it needs can be had without waiting (in
// memory, or a point read on an idle store connection; it must not block: it runs on an I/O
// thread), nullopt to leave the request to `handler` on the worker pool.
using MemoryHandler = std::optional<Response> (*)(const Services&, Request&);

struct Route {
  std::string method;
  std::string path;                // template; "{name}" matches one non-empty segment
  std::optional<core::Role> role;  // minimum role; nullopt: no token needed
  RouteKind kind = RouteKind::kPlain;
  Handler handler = nullptr;  // null for routes the connection serves itself
  MemoryHandler from_memory = nullptr;  // optional fast path of a kPlain route
};

class Router {
 public:
  void Add(Route route);

  struct Resolution {
    enum class Outcome { kFound, kNotFound, kMethodNotAllowed };
    Outcome outcome = Outcome::kNotFound;
    const Route* route = nullptr;
    std::map<std::string, std::string, std::less<>> params;
    std::vector<std::string> allowed;  // for kMethodNotAllowed, sorted
  };
  // The route for `method` and `path`. When several templates match, the one with a literal
  // segment where the others have a parameter wins ("/devices/import" over "/devices/{id}").
  // kMethodNotAllowed when some template matches the path but none with this method.
  Resolution Resolve(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> templates_;  // routes_[i].path split, once
};

// Splits a path at '/' into its non-empty segments.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace custos::api
