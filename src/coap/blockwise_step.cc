#include "coap/blockwise_step.h"

#include <algorithm>
#include <string>

#include "coap/typed_options.h"

namespace custos::coap {

core::ErrorCode ErrorCodeForResponse(Code code) {
  using core::ErrorCode;
  switch (code.raw) {
    case codes::kBadRequest.raw:
    case codes::kBadOption.raw:
    case codes::kMethodNotAllowed.raw:
    case codes::kNotAcceptable.raw:
    case codes::kUnsupportedContentFormat.raw:
      return ErrorCode::kInvalidArgument;
    case codes::kUnauthorized.raw:
      return ErrorCode::kUnauthenticated;
    case codes::kForbidden.raw:
      return ErrorCode::kPermissionDenied;
    case codes::kNotFound.raw:
      return ErrorCode::kNotFound;
    case codes::kRequestEntityIncomplete.raw:
    case codes::kPreconditionFailed.raw:
      return ErrorCode::kFailedPrecondition;
    case codes::kRequestEntityTooLarge.raw:
      return ErrorCode::kPayloadTooLarge;
    case codes::kTooManyRequests.raw:
    case codes::kServiceUnavailable.raw:
    case codes::kProxyingNotSupported.raw:
    case codes::kBadGateway.raw:
      return ErrorCode::kUnavailable;
    case codes::kGatewayTimeout.raw:
      return ErrorCode::kTimeout;
    default:
      return ErrorCode::kInternal;
  }
}

BlockwiseStep FailedByResponse(Message response) {
  std::string text = "the server answered " + ToString(response.code);
  if (auto size1 = Size1(response.options)) {
    text += " (it accepts at most " + std::to_string(*size1) + " bytes)";
  }
  if (!response.payload.empty()) {
    // A diagnostic payload is UTF-8 text for people (RFC 7252 §5.5.2); keep the start.
    constexpr std::size_t kMaxDiagnostic = 128;
    const std::size_t n = std::min(response.payload.size(), kMaxDiagnostic);
    text += ": ";
    text.append(response.payload.begin(), response.payload.begin() + n);
  }
  core::Error error{ErrorCodeForResponse(response.code), std::move(text), std::nullopt};
  return BlockwiseStep::Failed(std::move(error), std::move(response));
}

}  // namespace custos::coap
