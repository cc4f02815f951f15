// Decodes any bytes as TLV (TS Core, Data Formats) and checks the decoder's contract (see
// lwm2m_format_fuzz_common.h): accepted payloads stay inside the request path and survive an
// encode and a second decode unchanged; refusals are kInvalidArgument inside the input.
#include "lwm2m_format_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using custos::lwm2m::format::ContentFormat;
  return custos::lwm2m::format::fuzz::Check(ContentFormat::kTlv, data, size);
}
