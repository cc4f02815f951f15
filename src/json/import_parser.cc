#include <string>

#include "json/import_internal.h"
#include "json/json.h"
#include "json/json_support.h"

namespace custos::json {

std::unique_ptr<ImportParser> ImportParser::Create(ImportFormat format) {
  switch (format) {
    case ImportFormat::kJsonArray:
      return detail::MakeJsonArrayParser();
    case ImportFormat::kNdjson:
      return detail::MakeNdjsonParser();
    case ImportFormat::kCsv:
      return detail::MakeCsvParser();
  }
  return nullptr;
}

std::optional<ImportFormat> ImportFormatFromContentType(std::string_view content_type) {
  std::string media(content_type.substr(0, content_type.find(';')));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.pop_back();
  std::size_t first = media.find_first_not_of(" \t");
  media.erase(0, first == std::string::npos ? media.size() : first);
  for (char& c : media) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (media == "application/json") return ImportFormat::kJsonArray;
  if (media == "application/x-ndjson" || media == "application/ndjson") {
    return ImportFormat::kNdjson;
  }
  if (media == "text/csv") return ImportFormat::kCsv;
  return std::nullopt;
}

namespace detail {

ImportRow RowFromValue(std::size_t row, const boost::json::value& v) {
  ImportRow out;
  out.row = row;
  if (const boost::json::object* o = v.if_object()) {
    if (const boost::json::value* name = o->if_contains("name"); name && name->is_string()) {
      out.name = name->get_string();
    }
  } else {
    out.error =
        core::Error{core::ErrorCode::kInvalidArgument,
                    std::string("expected a device object, found ") + KindName(v), std::nullopt};
    return out;
  }
  auto device = DeviceFromJson(v);
  if (device) {
    out.device = std::move(*device);
  } else {
    out.error = std::move(device.error());
  }
  return out;
}

ImportRow RowFromJsonText(std::size_t row, std::string_view text) {
  auto value = Parse(text);
  if (!value) {
    ImportRow out;
    out.row = row;
    out.error = std::move(value.error());
    return out;
  }
  return RowFromValue(row, *value);
}

}  // namespace detail
}  // namespace custos::json
