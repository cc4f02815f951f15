#include "api/time_text.h"

#include "api/query.h"

namespace custos::api {

std::optional<core::TimeMs> ParseTimeParam(std::string_view text) {
  if (auto ms = ParseInt64(text)) return *ms;
  return core::ParseTime(text);
}

}  // namespace custos::api
