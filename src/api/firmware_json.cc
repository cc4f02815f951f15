#include "api/firmware_json.h"

#include <boost/json.hpp>

#include "api/json_body.h"

namespace custos::api {

namespace js = boost::json;

js::object FirmwareToJson(const core::FirmwareImage& image, const firmware::ImageUrls& urls) {
  js::object o;
  o["id"] = image.id;
  o["name"] = image.name;
  o["version"] = image.version;
  o["size"] = image.size;
  o["sha256"] = image.sha256;
  js::array models;
  for (const auto& m : image.models) models.emplace_back(m);
  o["models"] = std::move(models);
  o["uploaded_by"] = image.uploaded_by;
  o["created_at"] = core::FormatTime(image.created_at);
  auto url = [](const std::string& u) { return u.empty() ? js::value(nullptr) : js::value(u); };
  o["urls"] = js::object{{"http", url(urls.http)}, {"coap", url(urls.coap)}};
  return o;
}

Response FirmwareResponse(int status, const core::FirmwareImage& image,
                          const firmware::ImageUrls& urls) {
  Response res = JsonResponse(status, FirmwareToJson(image, urls));
  res.headers.emplace_back("ETag", "\"" + image.sha256 + "\"");
  return res;
}

}  // namespace custos::api
