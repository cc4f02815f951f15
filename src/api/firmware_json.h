// Firmware images as JSON (docs/api.md "Firmware images"). Internal to the api module.
#pragma once

#include <boost/json/object.hpp>

#include "api/message.h"
#include "firmware/firmware.h"

namespace custos::api {

// {id, name, version, size, sha256, models, uploaded_by, created_at, urls: {http, coap}}, a
// URL null when its listener does not run.
boost::json::object FirmwareToJson(const core::FirmwareImage& image,
                                   const firmware::ImageUrls& urls);
// The image as a JSON response, with its ETag (the quoted sha256).
Response FirmwareResponse(int status, const core::FirmwareImage& image,
                          const firmware::ImageUrls& urls);

}  // namespace custos::api
