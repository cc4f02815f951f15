#include "mqtt/topic.h"

#include <algorithm>

#include "mqtt/protocol.h"
#include "mqtt/utf8.h"

namespace custos::mqtt {
namespace {

constexpr std::string_view kSharePrefix = "$share/";

const char* CommonProblem(std::string_view text) {
  if (text.empty()) return "is empty";
  if (text.size() > kMaxStringLength) return "is longer than 65535 bytes";
  if (!IsValidUtf8(text)) return "is not valid UTF-8";
  return nullptr;
}

// The wildcard rules alone, on a non-empty filter.
const char* WildcardProblem(std::string_view filter) {
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (c != '+' && c != '#') continue;
    const bool starts_level = i == 0 || filter[i - 1] == '/';
    const bool ends_level = i + 1 == filter.size() || filter[i + 1] == '/';
    if (!starts_level || !ends_level) {
      return c == '+' ? "has '+' sharing a level" : "has '#' sharing a level";
    }
    if (c == '#' && i + 1 != filter.size()) return "has '#' before the last level";
  }
  return nullptr;
}

}  // namespace

const char* TopicNameProblem(std::string_view name) {
  if (const char* problem = CommonProblem(name)) return problem;
  if (name.find_first_of("+#") != std::string_view::npos) return "contains a wildcard";
  return nullptr;
}

const char* TopicFilterProblem(std::string_view filter, bool shared_subscriptions) {
  if (const char* problem = CommonProblem(filter)) return problem;
  if (shared_subscriptions && filter.starts_with(kSharePrefix) &&
      !ParseSharedSubscription(filter)) {
    return "is not a valid shared subscription";
  }
  return WildcardProblem(filter);
}

std::optional<SharedSubscription> ParseSharedSubscription(std::string_view filter) {
  if (!filter.starts_with(kSharePrefix)) return std::nullopt;
  const std::string_view rest = filter.substr(kSharePrefix.size());
  const auto slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  SharedSubscription shared{rest.substr(0, slash), rest.substr(slash + 1)};
  if (shared.share_name.find_first_of("+#") != std::string_view::npos) return std::nullopt;
  if (shared.filter.empty() || WildcardProblem(shared.filter) != nullptr) return std::nullopt;
  return shared;
}

bool TopicMatches(std::string_view filter, std::string_view name) {
  if (!name.empty() && name.front() == '$' && !filter.empty() &&
      (filter.front() == '+' || filter.front() == '#')) {
    return false;
  }
  std::size_t f = 0;
  std::size_t n = 0;
  while (true) {
    const auto f_end = std::min(filter.find('/', f), filter.size());
    const std::string_view level = filter.substr(f, f_end - f);
    if (level == "#") return true;  // its parent level, or any number below (§4.7.1.2)
    const auto n_end = std::min(name.find('/', n), name.size());
    if (level != "+" && level != name.substr(n, n_end - n)) return false;
    const bool filter_done = f_end == filter.size();
    const bool name_done = n_end == name.size();
    if (name_done) {
      // "a/#" matches "a": the filter may end in "/#" where the name ends.
      return filter_done || filter.substr(f_end + 1) == "#";
    }
    if (filter_done) return false;
    f = f_end + 1;
    n = n_end + 1;
  }
}

}  // namespace custos::mqtt
