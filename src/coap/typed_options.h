// Typed access to the options of RFC 7252 §5.10 and RFC 7641 / RFC 7959 (Size1, Size2;
// Block1/Block2 are in block.h). Setters replace every earlier occurrence; getters read the
// first one and return nullopt when it is absent or its uint value is longer than 4 bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coap/option.h"

namespace custos::coap {

// Uri-Path (§6.4, §6.5): "/a/b" ⇄ segments "a", "b". An empty path or "/" has no segment;
// "/a/" has segments "a" and "" (a trailing slash is an empty last segment). A missing
// leading slash is assumed. Segments are not percent-decoded here.
void SetUriPath(OptionList& options, std::string_view path);
// Always starts with "/"; "/" when there is no Uri-Path.
std::string UriPath(const OptionList& options);
// Uri-Query: "a=1&b" ⇄ arguments "a=1", "b"; "" has none.
void SetUriQuery(OptionList& options, std::string_view query);
// The arguments joined by "&", without a leading "?"; "" when there is none.
std::string UriQuery(const OptionList& options);
// Location-Path and Location-Query: as Uri-Path and Uri-Query.
void SetLocationPath(OptionList& options, std::string_view path);
std::string LocationPath(const OptionList& options);
void SetLocationQuery(OptionList& options, std::string_view query);
std::string LocationQuery(const OptionList& options);

void SetContentFormat(OptionList& options, std::uint16_t format);
std::optional<std::uint16_t> ContentFormat(const OptionList& options);
void SetAccept(OptionList& options, std::uint16_t format);
std::optional<std::uint16_t> Accept(const OptionList& options);

// Observe (RFC 7641): 0 registers, 1 deregisters; notifications carry a 24-bit sequence
// number, so only the low 24 bits of `value` are kept.
void SetObserve(OptionList& options, std::uint32_t value);
std::optional<std::uint32_t> Observe(const OptionList& options);

// Max-Age in seconds; absent means 60 (§5.10.5), which the caller applies.
void SetMaxAge(OptionList& options, std::uint32_t seconds);
std::optional<std::uint32_t> MaxAge(const OptionList& options);
void SetSize1(OptionList& options, std::uint32_t size);
std::optional<std::uint32_t> Size1(const OptionList& options);
void SetSize2(OptionList& options, std::uint32_t size);
std::optional<std::uint32_t> Size2(const OptionList& options);

// ETag (1..8 bytes) repeats in requests; If-Match (0..8 bytes) repeats.
void AddETag(OptionList& options, std::vector<std::uint8_t> etag);
std::vector<std::vector<std::uint8_t>> ETags(const OptionList& options);
void AddIfMatch(OptionList& options, std::vector<std::uint8_t> etag);
std::vector<std::vector<std::uint8_t>> IfMatch(const OptionList& options);
// If-None-Match is empty: present or not.
void SetIfNoneMatch(OptionList& options, bool present);
bool IfNoneMatch(const OptionList& options);

void SetProxyUri(OptionList& options, std::string_view uri);
std::optional<std::string> ProxyUri(const OptionList& options);
void SetProxyScheme(OptionList& options, std::string_view scheme);
std::optional<std::string> ProxyScheme(const OptionList& options);

}  // namespace custos::coap
