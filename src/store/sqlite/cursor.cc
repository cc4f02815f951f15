#include "store/sqlite/cursor.h"

#include <array>

namespace custos::store::sqlite {
namespace {

constexpr SortField kSortFields[] = {
    {"id", "d.id"},
    {"name", "d.name"},
    {"created_at", "d.created_at"},
    {"updated_at", "d.updated_at"},
    {"last_seen", "d.last_seen"},
    {"manufacturer", "d.manufacturer"},
    {"model", "d.model"},
    {"firmware_version", "d.firmware_key"},
    {"state", "d.state"},
};

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kFormat = '1';

void PutU64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

std::uint64_t GetU64(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

// FNV-1a: catches a garbled or truncated cursor, not a forged one (a forged cursor can only
// point somewhere else in the caller's own listing).
std::uint32_t Checksum(std::string_view bytes) {
  std::uint32_t h = 2166136261u;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

tl::unexpected<core::Error> BadCursor(std::string_view why) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, "invalid cursor: " + std::string(why));
}

}  // namespace

const SortField* FindSortField(std::string_view name) {
  for (const SortField& f : kSortFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

SqlParam SortValueOf(const SortField& field, const core::Device& d) {
  const std::string_view n = field.name;
  if (n == "id") return SqlParam::Int(d.id);
  if (n == "name") return SqlParam::Text(d.name);
  if (n == "created_at") return SqlParam::Int(d.created_at);
  if (n == "updated_at") return SqlParam::Int(d.updated_at);
  if (n == "last_seen") return SqlParam::Int(d.connectivity.last_seen);
  if (n == "manufacturer") return SqlParam::Text(d.identity.manufacturer);
  if (n == "model") return SqlParam::Text(d.identity.model);
  if (n == "firmware_version") {
    return SqlParam::Blob(core::filter::VersionSortKey(d.identity.firmware_version));
  }
  return SqlParam::Int(static_cast<std::int64_t>(d.state));  // "state"
}

std::string EncodeCursor(const SortField& field, bool descending, const CursorPosition& at) {
  std::string raw;
  raw += kFormat;
  raw += field.name;
  raw += '\0';
  raw += descending ? 'd' : 'a';
  PutU64(raw, static_cast<std::uint64_t>(at.id));
  switch (at.value.kind) {
    case SqlParam::Kind::kInt:
      raw += 'i';
      PutU64(raw, static_cast<std::uint64_t>(at.value.integer));
      break;
    case SqlParam::Kind::kText:
      raw += 't';
      raw += at.value.bytes;
      break;
    case SqlParam::Kind::kBlob:
      raw += 'b';
      raw += at.value.bytes;
      break;
  }
  std::uint32_t sum = Checksum(raw);
  for (int shift = 24; shift >= 0; shift -= 8) raw += static_cast<char>((sum >> shift) & 0xff);
  return Base64UrlEncode(raw);
}

core::Result<CursorPosition> DecodeCursor(std::string_view cursor, const SortField& field,
                                          bool descending) {
  auto decoded = Base64UrlDecode(cursor);
  if (!decoded) return BadCursor("not base64url");
  std::string_view raw = *decoded;
  if (raw.size() < 4) return BadCursor("too short");
  std::string_view body = raw.substr(0, raw.size() - 4);
  std::uint32_t sum = 0;
  for (char c : raw.substr(raw.size() - 4)) sum = (sum << 8) | static_cast<unsigned char>(c);
  if (Checksum(body) != sum) return BadCursor("checksum mismatch");
  if (body.empty() || body[0] != kFormat) return BadCursor("unknown format");
  body.remove_prefix(1);
  std::size_t nul = body.find('\0');
  if (nul == std::string_view::npos) return BadCursor("truncated");
  if (body.substr(0, nul) != field.name) return BadCursor("made for another sort");
  body.remove_prefix(nul + 1);
  if (body.size() < 1 + 8 + 1) return BadCursor("truncated");
  if (body[0] != (descending ? 'd' : 'a')) return BadCursor("made for the other direction");
  CursorPosition at;
  at.id = static_cast<core::DeviceId>(GetU64(body.substr(1, 8)));
  char kind = body[9];
  std::string_view value = body.substr(10);
  if (kind == 'i') {
    if (value.size() != 8) return BadCursor("truncated");
    at.value = SqlParam::Int(static_cast<std::int64_t>(GetU64(value)));
  } else if (kind == 't') {
    at.value = SqlParam::Text(std::string(value));
  } else if (kind == 'b') {
    at.value = SqlParam::Blob(std::string(value));
  } else {
    return BadCursor("unknown value type");
  }
  if (SortValueOf(field, core::Device{}).kind != at.value.kind) {
    return BadCursor("value of the wrong type");
  }
  return at;
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                      (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                      static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    std::uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                      (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

core::Result<std::string> Base64UrlDecode(std::string_view text) {
  static const std::array<int, 256> kValue = [] {
    std::array<int, 256> table{};
    table.fill(-1);
    for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
    return table;
  }();
  if (text.size() % 4 == 1) return BadCursor("impossible length");
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = kValue[static_cast<unsigned char>(c)];
    if (v < 0) return BadCursor("character outside base64url");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Canonical encodings leave the unused low bits zero.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return BadCursor("non-canonical encoding");
  return out;
}

}  // namespace custos::store::sqlite
