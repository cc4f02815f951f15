// Commands take a device, group or token as its numeric id or its name; these turn either
// into the id the REST paths need.
#pragma once

#include <cstdint>
#include <string_view>

#include "cli/api_client.h"
#include "cli/failure.h"

namespace custos::cli {

// A numeric argument is the id itself (no request is made: a wrong id gets its 404 from the
// request that uses it). Anything else is a name, looked up with the filter `name = "NAME"`;
// no such device is a not_found failure. A device whose name is all digits is therefore
// reached by its id.
Outcome<std::int64_t> ResolveDevice(ApiClient& api, std::string_view arg);

// The same for a group (looked up in GET /groups) and a token (GET /tokens, by name).
Outcome<std::int64_t> ResolveGroup(ApiClient& api, std::string_view arg);
Outcome<std::int64_t> ResolveToken(ApiClient& api, std::string_view arg);

}  // namespace custos::cli
