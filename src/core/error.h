// Protocol-neutral errors for every expected failure. Each edge maps ErrorCode to its own
// vocabulary (HTTP status, CoAP code, MQTT reason code); nothing here knows those.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <tl/expected.hpp>

namespace custos::core {

enum class ErrorCode {
  kInvalidArgument,     // malformed or invalid input (HTTP 400)
  kUnauthenticated,     // no or bad credentials (401)
  kPermissionDenied,    // authenticated but not allowed (403)
  kNotFound,            // (404)
  kAlreadyExists,       // unique name taken (409)
  kConflict,            // concurrent modification, resource in use (409)
  kPayloadTooLarge,     // (413)
  kFailedPrecondition,  // invalid state transition (422)
  kUnavailable,         // store or dependency down, shutting down (503)
  kTimeout,             // (504)
  kInternal,            // a bug or an I/O failure (500)
};

// The stable machine-readable name of a code, e.g. "not_found".
const char* ToString(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // For parse errors: the 0-based byte offset in the input where the error was found.
  std::optional<std::size_t> position;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> MakeError(ErrorCode code, std::string message,
                                       std::optional<std::size_t> position = std::nullopt) {
  return tl::unexpected<Error>(Error{code, std::move(message), position});
}

}  // namespace custos::core
