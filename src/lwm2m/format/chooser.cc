#include "lwm2m/format/chooser.h"

#include <fmt/format.h>

#include <algorithm>

namespace custos::lwm2m::format {
namespace {

bool Declared(std::span<const std::uint16_t> declared, ContentFormat format) {
  return std::find(declared.begin(), declared.end(), IdOf(format)) != declared.end();
}

}  // namespace

core::Result<Lwm2mVersion> ParseLwm2mVersion(std::string_view text) {
  if (text == "1.0") return Lwm2mVersion::kV1_0;
  if (text == "1.1") return Lwm2mVersion::kV1_1;
  if (text == "1.2") return Lwm2mVersion::kV1_2;
  if (text.size() > 2 && text.substr(0, 2) == "1." &&
      std::all_of(text.begin() + 2, text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Lwm2mVersion::kV1_2;
  }
  return core::MakeError(core::ErrorCode::kInvalidArgument,
                         fmt::format("LwM2M version '{}' is not 1.x", text));
}

core::Result<ContentFormat> ChooseFormat(Lwm2mVersion version,
                                         std::span<const std::uint16_t> declared, Shape shape,
                                         std::optional<ResourceType> type) {
  std::vector<ContentFormat> preferred;
  if (version == Lwm2mVersion::kV1_2) preferred.push_back(ContentFormat::kLwm2mCbor);
  if (version != Lwm2mVersion::kV1_0) {
    preferred.push_back(ContentFormat::kSenmlCbor);
    preferred.push_back(ContentFormat::kSenmlJson);
  }
  for (ContentFormat format : preferred) {
    if (Declared(declared, format)) return format;
  }
  switch (shape) {
    case Shape::kComposite:
      return core::MakeError(
          core::ErrorCode::kFailedPrecondition,
          version == Lwm2mVersion::kV1_0
              ? "LwM2M 1.0 has no composite operations"
              : "the device declared no content format for composite operations");
    case Shape::kTree:
      return ContentFormat::kTlv;
    case Shape::kValue:
      break;
  }
  return type == ResourceType::kOpaque ? ContentFormat::kOpaque : ContentFormat::kPlainText;
}

}  // namespace custos::lwm2m::format
