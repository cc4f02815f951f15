#include "coap/option.h"

#include <algorithm>

namespace custos::coap {
namespace {

struct LengthRange {
  std::uint16_t number;
  std::size_t min;
  std::size_t max;
};

// RFC 7252 §5.10, RFC 7641 §2, RFC 7959 §2.1 and §4.
constexpr LengthRange kLengthRanges[] = {
    {option::kIfMatch, 0, 8},         {option::kUriHost, 1, 255},   {option::kETag, 1, 8},
    {option::kIfNoneMatch, 0, 0},     {option::kObserve, 0, 3},     {option::kUriPort, 0, 2},
    {option::kLocationPath, 0, 255},  {option::kUriPath, 0, 255},   {option::kContentFormat, 0, 2},
    {option::kMaxAge, 0, 4},          {option::kUriQuery, 0, 255},  {option::kAccept, 0, 2},
    {option::kLocationQuery, 0, 255}, {option::kBlock2, 0, 3},      {option::kBlock1, 0, 3},
    {option::kSize2, 0, 4},           {option::kProxyUri, 1, 1034}, {option::kProxyScheme, 1, 255},
    {option::kSize1, 0, 4},
};

std::vector<std::uint8_t> Bytes(std::string_view text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

std::string Text(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

bool ByNumber(const Option& a, const Option& b) { return a.number < b.number; }

}  // namespace

std::vector<std::uint8_t> EncodeUint(std::uint32_t value) {
  std::vector<std::uint8_t> bytes;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const auto byte = static_cast<std::uint8_t>(value >> shift);
    if (byte != 0 || !bytes.empty()) bytes.push_back(byte);
  }
  return bytes;
}

std::optional<std::uint32_t> DecodeUint(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > 4) return std::nullopt;
  std::uint32_t value = 0;
  for (std::uint8_t byte : bytes) value = (value << 8) | byte;
  return value;
}

void OptionList::Add(Option option) {
  auto at = std::upper_bound(options_.begin(), options_.end(), option, ByNumber);
  options_.insert(at, std::move(option));
}

void OptionList::Add(std::uint16_t number, std::vector<std::uint8_t> value) {
  Add(Option{number, std::move(value)});
}

void OptionList::Set(std::uint16_t number, std::vector<std::uint8_t> value) {
  Remove(number);
  Add(number, std::move(value));
}

std::size_t OptionList::Remove(std::uint16_t number) {
  return std::erase_if(options_, [number](const Option& o) { return o.number == number; });
}

const Option* OptionList::Find(std::uint16_t number) const {
  auto all = All(number);
  return all.empty() ? nullptr : &all.front();
}

std::span<const Option> OptionList::All(std::uint16_t number) const {
  auto [first, last] =
      std::equal_range(options_.begin(), options_.end(), Option{number, {}}, ByNumber);
  return std::span<const Option>(first, last);
}

void OptionList::SetUint(std::uint16_t number, std::uint32_t value) {
  Set(number, EncodeUint(value));
}

std::optional<std::uint32_t> OptionList::GetUint(std::uint16_t number) const {
  const Option* found = Find(number);
  if (found == nullptr) return std::nullopt;
  return DecodeUint(found->value);
}

void OptionList::AddString(std::uint16_t number, std::string_view value) {
  Add(number, Bytes(value));
}

void OptionList::SetString(std::uint16_t number, std::string_view value) {
  Set(number, Bytes(value));
}

std::optional<std::string> OptionList::GetString(std::uint16_t number) const {
  const Option* found = Find(number);
  if (found == nullptr) return std::nullopt;
  return Text(found->value);
}

std::vector<std::string> OptionList::GetStrings(std::uint16_t number) const {
  std::vector<std::string> texts;
  for (const Option& o : All(number)) texts.push_back(Text(o.value));
  return texts;
}

std::vector<std::uint16_t> UnrecognisedCritical(const OptionList& options,
                                                std::span<const std::uint16_t> known) {
  std::vector<std::uint16_t> unknown;
  for (const Option& o : options) {
    if (!IsCritical(o.number)) continue;
    if (std::find(known.begin(), known.end(), o.number) != known.end()) continue;
    if (unknown.empty() || unknown.back() != o.number) unknown.push_back(o.number);
  }
  return unknown;
}

std::vector<std::uint16_t> InvalidLengthOptions(const OptionList& options) {
  std::vector<std::uint16_t> invalid;
  for (const Option& o : options) {
    for (const LengthRange& range : kLengthRanges) {
      if (range.number != o.number) continue;
      const bool bad = o.value.size() < range.min || o.value.size() > range.max;
      if (bad && (invalid.empty() || invalid.back() != o.number)) invalid.push_back(o.number);
    }
  }
  return invalid;
}

}  // namespace custos::coap
