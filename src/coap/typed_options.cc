#include "coap/typed_options.h"

namespace custos::coap {
namespace {

void SetSplit(OptionList& options, std::uint16_t number, std::string_view text, char separator) {
  options.Remove(number);
  if (text.empty()) return;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    options.AddString(number, text.substr(start, end - start));
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

std::string Join(const OptionList& options, std::uint16_t number, std::string_view prefix,
                 char separator) {
  std::string text(prefix);
  bool first = true;
  for (const Option& o : options.All(number)) {
    if (!first) text += separator;
    first = false;
    text.append(o.value.begin(), o.value.end());
  }
  return text;
}

void SetPath(OptionList& options, std::uint16_t number, std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  SetSplit(options, number, path, '/');
}

std::optional<std::uint16_t> GetUint16(const OptionList& options, std::uint16_t number) {
  auto value = options.GetUint(number);
  if (!value || *value > 0xffff) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

std::vector<std::vector<std::uint8_t>> Values(const OptionList& options, std::uint16_t number) {
  std::vector<std::vector<std::uint8_t>> values;
  for (const Option& o : options.All(number)) values.push_back(o.value);
  return values;
}

}  // namespace

void SetUriPath(OptionList& options, std::string_view path) {
  SetPath(options, option::kUriPath, path);
}
std::string UriPath(const OptionList& options) { return Join(options, option::kUriPath, "/", '/'); }
void SetUriQuery(OptionList& options, std::string_view query) {
  SetSplit(options, option::kUriQuery, query, '&');
}
std::string UriQuery(const OptionList& options) {
  return Join(options, option::kUriQuery, "", '&');
}
void SetLocationPath(OptionList& options, std::string_view path) {
  SetPath(options, option::kLocationPath, path);
}
std::string LocationPath(const OptionList& options) {
  return Join(options, option::kLocationPath, "/", '/');
}
void SetLocationQuery(OptionList& options, std::string_view query) {
  SetSplit(options, option::kLocationQuery, query, '&');
}
std::string LocationQuery(const OptionList& options) {
  return Join(options, option::kLocationQuery, "", '&');
}

void SetContentFormat(OptionList& options, std::uint16_t format) {
  options.SetUint(option::kContentFormat, format);
}
std::optional<std::uint16_t> ContentFormat(const OptionList& options) {
  return GetUint16(options, option::kContentFormat);
}
void SetAccept(OptionList& options, std::uint16_t format) {
  options.SetUint(option::kAccept, format);
}
std::optional<std::uint16_t> Accept(const OptionList& options) {
  return GetUint16(options, option::kAccept);
}

void SetObserve(OptionList& options, std::uint32_t value) {
  options.SetUint(option::kObserve, value & 0xffffffu);
}
std::optional<std::uint32_t> Observe(const OptionList& options) {
  auto value = options.GetUint(option::kObserve);
  if (value && *value > 0xffffffu) return std::nullopt;
  return value;
}

void SetMaxAge(OptionList& options, std::uint32_t seconds) {
  options.SetUint(option::kMaxAge, seconds);
}
std::optional<std::uint32_t> MaxAge(const OptionList& options) {
  return options.GetUint(option::kMaxAge);
}
void SetSize1(OptionList& options, std::uint32_t size) { options.SetUint(option::kSize1, size); }
std::optional<std::uint32_t> Size1(const OptionList& options) {
  return options.GetUint(option::kSize1);
}
void SetSize2(OptionList& options, std::uint32_t size) { options.SetUint(option::kSize2, size); }
std::optional<std::uint32_t> Size2(const OptionList& options) {
  return options.GetUint(option::kSize2);
}

void AddETag(OptionList& options, std::vector<std::uint8_t> etag) {
  options.Add(option::kETag, std::move(etag));
}
std::vector<std::vector<std::uint8_t>> ETags(const OptionList& options) {
  return Values(options, option::kETag);
}
void AddIfMatch(OptionList& options, std::vector<std::uint8_t> etag) {
  options.Add(option::kIfMatch, std::move(etag));
}
std::vector<std::vector<std::uint8_t>> IfMatch(const OptionList& options) {
  return Values(options, option::kIfMatch);
}
void SetIfNoneMatch(OptionList& options, bool present) {
  if (present) {
    options.Set(option::kIfNoneMatch, {});
  } else {
    options.Remove(option::kIfNoneMatch);
  }
}
bool IfNoneMatch(const OptionList& options) { return options.Has(option::kIfNoneMatch); }

void SetProxyUri(OptionList& options, std::string_view uri) {
  options.SetString(option::kProxyUri, uri);
}
std::optional<std::string> ProxyUri(const OptionList& options) {
  return options.GetString(option::kProxyUri);
}
void SetProxyScheme(OptionList& options, std::string_view scheme) {
  options.SetString(option::kProxyScheme, scheme);
}
std::optional<std::string> ProxyScheme(const OptionList& options) {
  return options.GetString(option::kProxyScheme);
}

}  // namespace custos::coap
