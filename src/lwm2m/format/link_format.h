// CoRE link format (RFC 6690, content format 40) as LwM2M uses it: the object list of a
// Register or Update (TS Core, Register: </>;rt="oma.lwm2m";ct=110,</1>;ver=1.1,</3/0>) and the
// answer to a Discover (TS Core, Discover: </3/0/7>;dim=2;pmin=10;gt=50).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace custos::lwm2m::format {

struct LinkParam {
  std::string name;
  std::optional<std::string> value;  // unescaped; nullopt for a bare name ("obs")
  bool quoted = false;               // arrived as (or is to be sent as) a quoted-string
  bool operator==(const LinkParam&) const = default;
};

struct Link {
  std::string target;  // the URI-reference between '<' and '>', as written
  std::vector<LinkParam> params;

  // The first parameter called `name` (ASCII case-insensitive), or nullptr.
  const LinkParam* Find(std::string_view name) const;
  bool operator==(const Link&) const = default;
};

// Parses a link-format document. Strict RFC 6690 syntax — URI characters in the target,
// parameter names of RFC 5987's characters, values either a ptoken or a quoted-string with
// backslash escapes — with one allowance: blanks (SP, HTAB, CR, LF) around the commas between
// links and at either end, which devices do send. kInvalidArgument with the byte offset of the
// first fault. An empty document is no links.
core::Result<std::vector<Link>> ParseLinks(std::string_view text);

// The document for `links`, comma-separated, no blanks. A value is quoted when `quoted` says
// so or when it is not a ptoken (empty, or holding ',', ';', '"', '\', a blank...), escaping
// '"' and '\'. kInvalidArgument for a target or name the syntax has no room for, or a value
// with control characters.
core::Result<std::string> SerializeLinks(std::span<const Link> links);

// --- What LwM2M reads in links ---

// The root link of a registration: the first with "oma.lwm2m" among its rt values (an
// alternate root such as </lwm2m>), else the link to "/", else nullptr.
const Link* FindRootLink(std::span<const Link> links);

// The content formats the root link's ct declares (ct=110 or ct="60 110 112"); empty when
// there is no root link or no ct. kInvalidArgument when ct is not numbers up to 65535.
core::Result<std::vector<std::uint16_t>> DeclaredContentFormats(std::span<const Link> links);

// The notification attributes of TS Core (with 1.1's epmin/epmax) on one link of a Discover answer.
struct Attributes {
  std::optional<std::uint32_t> pmin, pmax, epmin, epmax;  // seconds
  std::optional<double> gt, lt, st;
  std::optional<std::uint16_t> dim;  // number of resource instances
  std::optional<std::string> ver;    // object version, "major.minor"
  bool operator==(const Attributes&) const = default;
};

// The attributes `link` carries, checked: periods are whole seconds, thresholds decimal
// numbers, dim up to 65535, ver digits-dot-digits; others are left alone. kInvalidArgument
// naming the attribute otherwise (and for a valueless one).
core::Result<Attributes> ReadAttributes(const Link& link);

}  // namespace custos::lwm2m::format
