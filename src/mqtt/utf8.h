// UTF-8 Encoded Strings as MQTT requires them (v5 §1.5.4, v3.1.1 §1.5.3).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace custos::mqtt {

// The offset of the first byte that makes `text` unacceptable as an MQTT string, or nullopt
// if it is acceptable: well-formed UTF-8 as RFC 3629 defines it (no overlong forms, no
// UTF-16 surrogates U+D800..U+DFFF, nothing above U+10FFFF, no truncated sequence) and no
// U+0000. Control characters and non-characters are accepted: the specifications only say
// a receiver MAY refuse them.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

inline bool IsValidUtf8(std::string_view text) { return !FindInvalidUtf8(text).has_value(); }

}  // namespace custos::mqtt
