// Whether a remote operation still needs an image: an operation that is not final whose
// parameters name the image, by id ("firmware_id", a number or its decimal text) or by content
// ("sha256", any case). Final operations never hold an image.
#include <boost/json.hpp>

#include "firmware/firmware.h"

namespace custos::firmware {
namespace {

bool SameDigest(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool Names(const core::Operation& op, const core::FirmwareImage& image) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(op.parameters_json, ec);
  if (ec || !parsed.is_object()) return false;
  const auto& params = parsed.get_object();
  if (const auto* id = params.if_contains("firmware_id")) {
    if (id->is_int64() && id->get_int64() == image.id) return true;
    if (id->is_uint64() && id->get_uint64() == static_cast<std::uint64_t>(image.id)) return true;
    if (id->is_string() && id->get_string() == std::to_string(image.id)) return true;
  }
  if (const auto* sha256 = params.if_contains("sha256"); sha256 && sha256->is_string()) {
    if (SameDigest(sha256->get_string(), image.sha256)) return true;
  }
  return false;
}

}  // namespace

core::Result<bool> Library::InUse(const core::FirmwareImage& image) {
  auto unfinished = store_.ListUnfinishedOperations();
  if (!unfinished) return tl::unexpected(unfinished.error());
  for (const auto& op : *unfinished) {
    if (Names(op, image)) return true;
  }
  return false;
}

}  // namespace custos::firmware
