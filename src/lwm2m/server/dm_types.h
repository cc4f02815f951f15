// The vocabulary of device management requests (TS Core §6.3, §6.4): their failures, the
// notification attributes of Write-Attributes, and one request as the REST API names it.
// Pure: no I/O.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "core/device.h"
#include "core/error.h"
#include "lwm2m/format/format.h"
#include "lwm2m/path.h"

namespace custos::lwm2m::server {

// Why a device management request failed. `code` is protocol-neutral; `reason` the stable
// name the REST API puts in its error body ("device_not_registered", "coap_error",
// "timeout", ...); `coap_code` the device's answer ("4.04") when it answered with an error.
struct DmError {
  core::ErrorCode code = core::ErrorCode::kInternal;
  std::string reason;
  std::string message;
  std::string coap_code;  // "" unless the device answered with a 4.xx or 5.xx
};

template <class T>
using DmResult = tl::expected<T, DmError>;

inline tl::unexpected<DmError> MakeDmError(core::ErrorCode code, std::string reason,
                                           std::string message, std::string coap_code = {}) {
  return tl::unexpected<DmError>(
      DmError{code, std::move(reason), std::move(message), std::move(coap_code)});
}

// The failure for a device's error answer: its code as `coap_code`, `code` the nearest
// core::ErrorCode (4.00 invalid, 4.01 unauthenticated, 4.03 denied, 4.04 not found, 4.05 and
// 4.06 failed precondition, 4.08/4.13 too large, 5.xx unavailable).
DmError FromCoapCode(std::string coap_code, std::string message);

// The HTTP status for a failure: the device's code mapped (4.04 404, 4.05 405, 4.06 406,
// 4.00 400, 4.01 401, 4.03 403, 4.13 413, 4.15 415, other 4.xx 400, 5.xx 502), else 409 for
// a device that is not registered, 502 for an answer we cannot read, 504 for a time-out and
// the core code's status otherwise.
int HttpStatus(const DmError& error);

// The notification attributes of Write-Attributes (TS Core §5.1.2): each unset member is
// left alone, each in `clear` removed (sent without a value).
struct NotificationAttributes {
  std::optional<std::uint32_t> pmin, pmax, epmin, epmax;
  std::optional<double> gt, lt, st;
  std::vector<std::string> clear;

  bool empty() const;
};

// Checks attributes for a path: gt, lt and st only on a resource or resource instance; pmin
// not above pmax, epmin not above epmax, lt below gt, st positive and lt + 2*st below gt
// (TS Core §5.1.2); names in `clear` known. kInvalidArgument naming the attribute otherwise.
core::Result<void> Validate(const NotificationAttributes& attributes, const Path& path);

// The Uri-Query arguments of a Write-Attributes: "pmin=10", "gt=50.5", "pmax" (cleared).
std::vector<std::string> QueryArguments(const NotificationAttributes& attributes);

// {"pmin": 10, "gt": 50.5, ...}; the inverse reads the same (null clears). kInvalidArgument
// for an unknown name or a value of the wrong kind.
boost::json::value ToJson(const NotificationAttributes& attributes);
core::Result<NotificationAttributes> AttributesFromJson(const boost::json::value& json);
// "pmin=10", "gt=50.5", "pmax=" (clears) as given on the command line or in a query.
core::Result<NotificationAttributes> AttributesFromArguments(
    const std::vector<std::string>& arguments);

// A content format by its REST name ("tlv", "senml-json", "senml-cbor", "lwm2m-json",
// "lwm2m-cbor", "text", "opaque") or number ("11542"); kInvalidArgument otherwise.
core::Result<format::ContentFormat> ParseFormatName(std::string_view name);
// The REST name of a format ("tlv", ...).
const char* FormatName(format::ContentFormat format);

}  // namespace custos::lwm2m::server
