#include "cli/http.h"

#include <strings.h>

namespace custos::cli {

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), key.size()) == 0) {
      return value;
    }
  }
  return "";
}

}  // namespace custos::cli
