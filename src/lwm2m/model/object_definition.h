// LwM2M object and resource definitions (TS Core §7 and Appendix D, the "object definition
// file" or DDF): what an object's resources are called, what they hold and what a server may
// do with them. The built-in core objects and the DDF loader both produce these.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/value.h"

namespace custos::lwm2m {

// An object's version, "major.minor" (TS Core §7.2.2). A device names the versions it
// implements at registration ("</1>;ver=1.1"); a new minor version only adds to the one
// before it, a new major version may change anything.
struct ObjectVersion {
  std::uint16_t major = 1;
  std::uint16_t minor = 0;
  auto operator<=>(const ObjectVersion&) const = default;
  bool operator==(const ObjectVersion&) const = default;
};

// "1.0", "1.1", "2.0" (surrounding whitespace allowed); nullopt for anything else.
std::optional<ObjectVersion> ParseObjectVersion(std::string_view text);
std::string ToString(ObjectVersion version);

// What the Device Management interface may do with a resource. kNone: nothing (the Security
// object's resources, which only a Bootstrap-Server or a smartcard writes).
enum class Operations { kNone, kRead, kWrite, kReadWrite, kExecute };

// "R", "W", "RW", "E" and "" (kNone), upper or lower case; nullopt for anything else.
std::optional<Operations> ParseOperations(std::string_view text);
// "R", "W", "RW", "E", "" — the spelling of the DDF files.
const char* ToString(Operations operations);
inline bool IsReadable(Operations o) {
  return o == Operations::kRead || o == Operations::kReadWrite;
}
inline bool IsWritable(Operations o) {
  return o == Operations::kWrite || o == Operations::kReadWrite;
}
inline bool IsExecutable(Operations o) { return o == Operations::kExecute; }

struct ResourceDefinition {
  std::uint16_t id = 0;
  std::string name;
  Operations operations = Operations::kNone;
  bool multiple = false;                    // has resource instances (/O/I/R/RI)
  bool mandatory = false;                   // a client implementing the object must implement it
  ResourceType type = ResourceType::kNone;  // kNone for executables
  std::string range;  // "RangeEnumeration" as written: "0..100", "16,32,48", prose
  std::string units;  // "s", "dBm", "/100" (SenML units in recent definitions)
  std::string description;

  bool operator==(const ResourceDefinition&) const = default;
};

struct ObjectDefinition {
  std::uint16_t id = 0;
  std::string name;
  std::string description;
  ObjectVersion version;                      // the object's own version
  ObjectVersion lwm2m_version;                // the enabler version it was written for
  std::string urn;                            // "urn:oma:lwm2m:oma:3:1.2"
  bool multiple = false;                      // may have more than one instance
  bool mandatory = false;                     // every client implements it
  std::vector<ResourceDefinition> resources;  // ordered by id, ids unique

  // The resource with this id, or nullptr.
  const ResourceDefinition* FindResource(std::uint16_t resource_id) const;

  bool operator==(const ObjectDefinition&) const = default;
};

// Sorts `resources` by id; kInvalidArgument naming the first id that appears twice.
core::Result<void> NormalizeResources(ObjectDefinition& object);

}  // namespace custos::lwm2m
