// Parses any bytes as a CoRE link-format document (RFC 6690). Whatever parses must serialize
// and parse back to the same links, and the LwM2M readings (root link, declared formats,
// attributes) must answer without crashing; refusals are kInvalidArgument with an offset
// inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lwm2m/format/format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace format = custos::lwm2m::format;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto links = format::ParseLinks(text);
  if (!links) {
    if (links.error().code != custos::core::ErrorCode::kInvalidArgument) std::abort();
    if (!links.error().position || *links.error().position > size) std::abort();
    return 0;
  }
  auto serialized = format::SerializeLinks(*links);
  if (!serialized) std::abort();
  auto again = format::ParseLinks(*serialized);
  if (!again || *again != *links) std::abort();
  (void)format::DeclaredContentFormats(*links);
  for (const auto& link : *links) (void)format::ReadAttributes(link);
  return 0;
}
