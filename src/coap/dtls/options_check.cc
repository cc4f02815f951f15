#include "coap/dtls/options_check.h"

#include <algorithm>
#include <limits>
#include <string>

namespace custos::coap::dtls::detail {
namespace {

bool InMillisecondRange(std::chrono::milliseconds value) {
  return value.count() > 0 && value.count() < std::numeric_limits<int>::max();
}

}  // namespace

core::Result<void> CheckSessionOptions(const SessionOptions& options) {
  if (options.mtu < kMinMtu || options.mtu > kMaxMtu) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "DTLS MTU " + std::to_string(options.mtu) + " outside [" +
                               std::to_string(kMinMtu) + ", " + std::to_string(kMaxMtu) + "]");
  }
  if (!InMillisecondRange(options.handshake_timeout) ||
      !InMillisecondRange(options.retransmit_timeout)) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "DTLS time-outs must be positive");
  }
  if (options.max_sessions == 0) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "DTLS max_sessions is 0");
  }
  for (CipherSuite suite : options.cipher_suites) {
    if (std::find(kAllCipherSuites.begin(), kAllCipherSuites.end(), suite) ==
        kAllCipherSuites.end()) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "unknown DTLS cipher suite");
    }
  }
  return {};
}

}  // namespace custos::coap::dtls::detail
