// Operations endpoints: /healthz, /metrics and the OpenAPI document, none of which needs a
// token.
#include "api/handlers.h"
#include "api/openapi.h"

namespace custos::api::handlers {

HandlerResult Healthz(const Services& s, Request& req) {
  Response res;
  res.body = R"({"status":"ok"})";
  return res;
}

HandlerResult Metrics(const Services& s, Request& req) {
  Response res;
  res.content_type = "text/plain; version=0.0.4; charset=utf-8";
  res.body = s.metrics.Render();
  return res;
}

HandlerResult OpenApi(const Services& s, Request& req) {
  Response res;
  res.body = std::string(OpenApiDocument());
  return res;
}

}  // namespace custos::api::handlers
