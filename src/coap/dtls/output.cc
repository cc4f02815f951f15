#include "coap/dtls/output.h"

namespace custos::coap::dtls {

const char* ToString(EventKind kind) {
  switch (kind) {
    case EventKind::kEstablished:
      return "established";
    case EventKind::kHandshakeFailed:
      return "handshake_failed";
    case EventKind::kClosed:
      return "closed";
  }
  return "unknown";
}

}  // namespace custos::coap::dtls
