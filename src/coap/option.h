// CoAP options (RFC 7252 §3.1, §5.4, §5.10; RFC 7959; RFC 7641): option numbers, the
// properties encoded in a number, and OptionList, the options of one message kept sorted by
// number. Repeated options keep the order in which they were added.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace custos::coap {

namespace option {

inline constexpr std::uint16_t kIfMatch = 1;
inline constexpr std::uint16_t kUriHost = 3;
inline constexpr std::uint16_t kETag = 4;
inline constexpr std::uint16_t kIfNoneMatch = 5;
inline constexpr std::uint16_t kObserve = 6;
inline constexpr std::uint16_t kUriPort = 7;
inline constexpr std::uint16_t kLocationPath = 8;
inline constexpr std::uint16_t kUriPath = 11;
inline constexpr std::uint16_t kContentFormat = 12;
inline constexpr std::uint16_t kMaxAge = 14;
inline constexpr std::uint16_t kUriQuery = 15;
inline constexpr std::uint16_t kAccept = 17;
inline constexpr std::uint16_t kLocationQuery = 20;
inline constexpr std::uint16_t kBlock2 = 23;
inline constexpr std::uint16_t kBlock1 = 27;
inline constexpr std::uint16_t kSize2 = 28;
inline constexpr std::uint16_t kProxyUri = 35;
inline constexpr std::uint16_t kProxyScheme = 39;
inline constexpr std::uint16_t kSize1 = 60;

// Every option number above, ascending.
inline constexpr std::uint16_t kKnown[] = {
    kIfMatch, kUriHost,       kETag,     kIfNoneMatch, kObserve, kUriPort,       kLocationPath,
    kUriPath, kContentFormat, kMaxAge,   kUriQuery,    kAccept,  kLocationQuery, kBlock2,
    kBlock1,  kSize2,         kProxyUri, kProxyScheme, kSize1};

}  // namespace option

// §5.4.6: the low bits of an option number say how a recipient that does not understand it
// must treat it. Critical options it must refuse (4.02 Bad Option); unsafe ones a proxy must
// not forward; NoCacheKey ones are not part of a cache key.
constexpr bool IsCritical(std::uint16_t number) { return (number & 0x01) != 0; }
constexpr bool IsElective(std::uint16_t number) { return !IsCritical(number); }
constexpr bool IsUnsafe(std::uint16_t number) { return (number & 0x02) != 0; }
constexpr bool IsNoCacheKey(std::uint16_t number) { return (number & 0x1e) == 0x1c; }

struct Option {
  std::uint16_t number = 0;
  std::vector<std::uint8_t> value;

  bool operator==(const Option&) const = default;
};

// RFC 7252 §3.2 uint: big-endian with no leading zero bytes (0 is the empty value).
std::vector<std::uint8_t> EncodeUint(std::uint32_t value);
// Accepts leading zero bytes (§3.2 says recipients must); nullopt if longer than 4 bytes.
std::optional<std::uint32_t> DecodeUint(std::span<const std::uint8_t> bytes);

class OptionList {
 public:
  using const_iterator = std::vector<Option>::const_iterator;

  // Inserts after every option with the same or a lower number.
  void Add(Option option);
  void Add(std::uint16_t number, std::vector<std::uint8_t> value);
  // Replaces every option `number` by one with `value`.
  void Set(std::uint16_t number, std::vector<std::uint8_t> value);
  // Removes every option `number`; returns how many there were.
  std::size_t Remove(std::uint16_t number);
  void Clear() { options_.clear(); }

  bool Has(std::uint16_t number) const { return Find(number) != nullptr; }
  // The first option `number`, or nullptr.
  const Option* Find(std::uint16_t number) const;
  // Every option `number`, in the order added.
  std::span<const Option> All(std::uint16_t number) const;

  void SetUint(std::uint16_t number, std::uint32_t value);
  // The first option `number` as a uint; nullopt if absent or longer than 4 bytes (a
  // malformed value is treated as absent, as §5.4.3 does for elective options; see
  // InvalidLengthOptions for the critical case).
  std::optional<std::uint32_t> GetUint(std::uint16_t number) const;

  void AddString(std::uint16_t number, std::string_view value);
  void SetString(std::uint16_t number, std::string_view value);
  // The first option `number` as text, or nullopt if absent.
  std::optional<std::string> GetString(std::uint16_t number) const;
  // Every option `number` as text, in order.
  std::vector<std::string> GetStrings(std::uint16_t number) const;

  const_iterator begin() const { return options_.begin(); }
  const_iterator end() const { return options_.end(); }
  std::size_t size() const { return options_.size(); }
  bool empty() const { return options_.empty(); }

  bool operator==(const OptionList&) const = default;

 private:
  std::vector<Option> options_;
};

// The distinct critical option numbers in `options` that are not in `known`, ascending. A
// request carrying any of them must be answered 4.02 Bad Option (§5.4.1).
std::vector<std::uint16_t> UnrecognisedCritical(const OptionList& options,
                                                std::span<const std::uint16_t> known);

// The distinct numbers of options in `options` that this codec knows (option::kKnown) whose
// value length is outside the range of §5.10 / RFC 7959 / RFC 7641, ascending. §5.4.3 says
// to treat them like unrecognised options: critical ones are refused, elective ones ignored.
std::vector<std::uint16_t> InvalidLengthOptions(const OptionList& options);

}  // namespace custos::coap
