// Writing small JSON texts (audit details, event data) without a JSON library, so the core
// stays free of one. Internal to the core.
#pragma once

#include <string>
#include <string_view>

namespace custos::core::detail {

// `s` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view s);

}  // namespace custos::core::detail
