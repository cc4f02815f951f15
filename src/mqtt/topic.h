// Topic Names and Topic Filters (v5 §4.7, v3.1.1 §4.7) and Shared Subscriptions (v5 §4.8.2):
// what is valid, and which names a filter matches.
#pragma once

#include <optional>
#include <string_view>

namespace custos::mqtt {

// Why `name` is not a valid Topic Name, or nullptr if it is: it must be 1 to 65535 bytes of
// valid UTF-8 (see FindInvalidUtf8) without the wildcards '+' and '#' (v5 §4.7.3, §4.7.1).
// A v5 PUBLISH may carry an empty name with a Topic Alias; its decoder allows that itself.
const char* TopicNameProblem(std::string_view name);

// Why `filter` is not a valid Topic Filter, or nullptr if it is: 1 to 65535 bytes of valid
// UTF-8 where '#' is alone in the last level (v5 §4.7.1.2) and '+' alone in its level
// (§4.7.1.3). With `shared_subscriptions` (MQTT 5.0), a filter starting "$share/" must also
// be a valid Shared Subscription (see ParseSharedSubscription).
const char* TopicFilterProblem(std::string_view filter, bool shared_subscriptions);

inline bool IsValidTopicName(std::string_view name) { return TopicNameProblem(name) == nullptr; }
inline bool IsValidTopicFilter(std::string_view filter, bool shared_subscriptions = true) {
  return TopicFilterProblem(filter, shared_subscriptions) == nullptr;
}

// The parts of "$share/{ShareName}/{filter}" (v5 §4.8.2). The views point into the input.
struct SharedSubscription {
  std::string_view share_name;
  std::string_view filter;
};

// The parts of a Shared Subscription filter; nullopt if `filter` does not start "$share/" or
// is not well formed: the ShareName must be at least one character without '/', '+' or
// '#', and be followed by '/' and a valid Topic Filter.
std::optional<SharedSubscription> ParseSharedSubscription(std::string_view filter);

// Whether the valid Topic Filter `filter` matches the valid Topic Name `name` (v5 §4.7):
// levels are separated by '/' (empty levels count), '+' matches exactly one level, '#'
// matches its parent level and any number of levels below it, and a filter starting with a
// wildcard does not match a name starting with '$' (§4.7.2). A Shared Subscription must be
// split with ParseSharedSubscription first: "$share/..." here is a plain filter.
bool TopicMatches(std::string_view filter, std::string_view name);

}  // namespace custos::mqtt
