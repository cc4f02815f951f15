// CSV import under arbitrary chunking: the first byte says how many of the following bytes
// choose chunk sizes; the rest is the body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "import_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t n = std::min<std::size_t>(data[0] % 16, input.size());
  custos::fuzz::CheckChunkingAgrees(custos::json::ImportFormat::kCsv, input.substr(0, n),
                                    input.substr(n));
  return 0;
}
