#include "lwm2m/path.h"

#include <fmt/format.h>

namespace custos::lwm2m {

int Path::depth() const {
  if (!object) return 0;
  if (!instance) return 1;
  if (!resource) return 2;
  if (!resource_instance) return 3;
  return 4;
}

bool Path::Contains(const Path& other) const {
  const std::optional<std::uint16_t> Path::*levels[] = {&Path::object, &Path::instance,
                                                         &Path::resource,
                                                         &Path::resource_instance};
  for (int i = 0; i < depth(); ++i) {
    if (this->*levels[i] != other.*levels[i]) return false;
  }
  return true;
}

Path Path::Parent() const {
  Path p = *this;
  if (p.resource_instance) {
    p.resource_instance.reset();
  } else if (p.resource) {
    p.resource.reset();
  } else if (p.instance) {
    p.instance.reset();
  } else {
    p.object.reset();
  }
  return p;
}

core::Result<Path> ParsePath(std::string_view text) {
  auto fail = [&](std::size_t at, std::string_view why) -> core::Result<Path> {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("path '{}' at {}: {}", text, at, why), at);
  };
  Path path;
  std::optional<std::uint16_t>* levels[] = {&path.object, &path.instance, &path.resource,
                                            &path.resource_instance};
  std::size_t pos = 0;
  if (!text.empty() && text[0] == '/') pos = 1;
  if (pos >= text.size()) return path;  // "" or "/"
  int level = 0;
  while (pos < text.size()) {
    if (level == 4) return fail(pos, "more than four levels");
    std::size_t end = text.find('/', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view part = text.substr(pos, end - pos);
    if (part.empty()) return fail(pos, "empty level");
    if (part.size() > 1 && part[0] == '0') return fail(pos, "leading zero");
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < part.size(); ++i) {
      char c = part[i];
      if (c < '0' || c > '9') return fail(pos + i, "not a digit");
      value = value * 10 + static_cast<std::uint32_t>(c - '0');
      if (value > 65534) return fail(pos, "over 65534");
    }
    *levels[level++] = static_cast<std::uint16_t>(value);
    pos = end + 1;
    if (end + 1 == text.size()) break;  // trailing slash
  }
  return path;
}

std::string ToString(const Path& path) {
  if (path.IsRoot()) return "/";
  std::string out;
  for (auto level : {path.object, path.instance, path.resource, path.resource_instance}) {
    if (!level) break;
    out += fmt::format("/{}", *level);
  }
  return out;
}

}  // namespace custos::lwm2m
