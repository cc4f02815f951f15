// Firmware images (docs/api.md "Firmware images"): list, get, the bytes (one range at most),
// delete. The upload streams and lives in firmware_upload.cc.
#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <system_error>

#include "api/error_response.h"
#include "api/firmware_json.h"
#include "api/handlers.h"
#include "api/json_body.h"
#include "api/query.h"

namespace custos::api::handlers {

namespace {

namespace js = boost::json;

core::Result<firmware::Library*> LibraryOf(const Services& s) {
  if (s.firmware == nullptr) {
    return core::MakeError(core::ErrorCode::kUnavailable, "firmware images are not served");
  }
  return s.firmware;
}

std::optional<std::uint64_t> ParseU64(std::string_view text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};

// One range of "Range: bytes=a-b", "bytes=a-" or "bytes=-n" over `size` bytes. nullopt for a
// header this server ignores (another unit, several ranges, malformed: RFC 9110 lets a server
// answer those with the whole content); a range past the end is kInvalidArgument, for 416.
core::Result<std::optional<ByteRange>> ParseRange(std::string_view header, std::uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (!header.starts_with(kUnit)) return std::nullopt;
  std::string_view spec = header.substr(kUnit.size());
  if (spec.find(',') != std::string_view::npos) return std::nullopt;
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view a = spec.substr(0, dash);
  std::string_view b = spec.substr(dash + 1);
  auto unsatisfiable = [] {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "range not satisfiable");
  };
  if (a.empty()) {
    auto suffix = ParseU64(b);
    if (!suffix) return std::nullopt;
    if (*suffix == 0) return unsatisfiable();
    const std::uint64_t n = std::min(*suffix, size);
    return ByteRange{size - n, n};
  }
  auto first = ParseU64(a);
  if (!first) return std::nullopt;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto parsed = ParseU64(b);
    if (!parsed || *parsed < *first) return std::nullopt;
    last = std::min(*parsed, last);
  }
  if (*first >= size) return unsatisfiable();
  return ByteRange{*first, last - *first + 1};
}

}  // namespace

HandlerResult ListFirmware(const Services& s, Request& req) {
  auto library = LibraryOf(s);
  if (!library) return tl::unexpected(library.error());
  core::FirmwareId after = 0;
  if (const std::string* cursor = req.Query("cursor"); cursor && !cursor->empty()) {
    auto parsed = ParseInt64(*cursor);
    if (!parsed || *parsed < 0) {
      return core::MakeError(core::ErrorCode::kInvalidArgument, "cursor: invalid");
    }
    after = *parsed;
  }
  auto limit = QueryInt(req, "limit", 1, 500);
  if (!limit) return tl::unexpected(limit.error());
  const std::size_t n = static_cast<std::size_t>(limit->value_or(100));
  // One more than asked tells whether another page follows.
  auto images = (*library)->List(after, n + 1);
  if (!images) return tl::unexpected(images.error());
  js::object out;
  out["next_cursor"] = nullptr;
  if (images->size() > n) {
    images->resize(n);
    out["next_cursor"] = std::to_string(images->back().id);
  }
  js::array items;
  for (const auto& image : *images) {
    items.emplace_back(FirmwareToJson(image, (*library)->UrlsOf(image.id)));
  }
  out["firmware"] = std::move(items);
  return JsonResponse(200, out);
}

HandlerResult GetFirmware(const Services& s, Request& req) {
  auto library = LibraryOf(s);
  if (!library) return tl::unexpected(library.error());
  auto id = PathId(req, "id", "firmware");
  if (!id) return tl::unexpected(id.error());
  auto image = (*library)->Get(*id);
  if (!image) return tl::unexpected(image.error());
  return FirmwareResponse(200, *image, (*library)->UrlsOf(image->id));
}

HandlerResult GetFirmwareContent(const Services& s, Request& req) {
  auto library = LibraryOf(s);
  if (!library) return tl::unexpected(library.error());
  auto id = PathId(req, "id", "firmware");
  if (!id) return tl::unexpected(id.error());
  auto image = (*library)->Get(*id);
  if (!image) return tl::unexpected(image.error());
  auto path = (*library)->FileOf(image->id);
  std::error_code ec;
  const std::uint64_t on_disk = path ? std::filesystem::file_size(*path, ec) : 0;
  if (!path || ec || on_disk != image->size) {
    return core::MakeError(
        core::ErrorCode::kInternal,
        "the file of firmware " + std::to_string(image->id) + " is missing or damaged");
  }
  const std::string etag = "\"" + image->sha256 + "\"";
  Response res;
  res.content_type = "application/octet-stream";
  res.headers.emplace_back("ETag", etag);
  res.headers.emplace_back("Accept-Ranges", "bytes");
  if (req.Header("if-none-match") == etag) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  Response::FileBody body{*path, 0, image->size};
  // If-Range with another validator asks for the whole (changed) content.
  const std::string_view if_range = req.Header("if-range");
  if (auto range_header = req.Header("range");
      !range_header.empty() && (if_range.empty() || if_range == etag)) {
    auto range = ParseRange(range_header, image->size);
    if (!range) {
      Response refused = ErrorResponse(416, "range_not_satisfiable", range.error().message);
      refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(image->size));
      return refused;
    }
    if (*range) {
      res.status = 206;
      body.offset = (*range)->first;
      body.length = (*range)->length;
      res.headers.emplace_back("Content-Range", "bytes " + std::to_string(body.offset) + "-" +
                                                    std::to_string(body.offset + body.length - 1) +
                                                    "/" + std::to_string(image->size));
    }
  }
  res.file = std::move(body);
  return res;
}

HandlerResult DeleteFirmware(const Services& s, Request& req) {
  auto library = LibraryOf(s);
  if (!library) return tl::unexpected(library.error());
  auto id = PathId(req, "id", "firmware");
  if (!id) return tl::unexpected(id.error());
  if (auto removed = (*library)->Delete(*id, req.actor); !removed) {
    return tl::unexpected(removed.error());
  }
  return NoContent();
}

}  // namespace custos::api::handlers
