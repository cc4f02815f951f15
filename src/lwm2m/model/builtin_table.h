// Internal to the built-in objects: the table notation they are written in, and how an older
// version is made from a newer one. Not part of the module's interface.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "lwm2m/model/object_definition.h"

namespace custos::lwm2m::builtin {

inline constexpr Operations kNoOps = Operations::kNone;
inline constexpr Operations kR = Operations::kRead;
inline constexpr Operations kW = Operations::kWrite;
inline constexpr Operations kRW = Operations::kReadWrite;
inline constexpr Operations kE = Operations::kExecute;
inline constexpr bool kSingle = false;
inline constexpr bool kMultiple = true;
inline constexpr bool kOptional = false;
inline constexpr bool kMandatory = true;

// One line of a specification's resource table.
struct Row {
  std::uint16_t id;
  const char* name;
  Operations operations;
  bool multiple;
  bool mandatory;
  ResourceType type;
  const char* range;
  const char* units;
  const char* description;
};

struct Header {
  std::uint16_t id;
  const char* name;
  ObjectVersion version;
  ObjectVersion lwm2m_version;
  const char* urn;
  bool multiple;
  bool mandatory;
  const char* description;
};

ObjectDefinition Make(const Header& header, std::span<const Row> rows);

// `newer` as the older version `header` describes (name and description stay newer's), with
// only the resources whose ids are in `ids` (each must exist in `newer`).
ObjectDefinition Older(const ObjectDefinition& newer, const Header& header,
                       std::initializer_list<std::uint16_t> ids);
// Resource ids first..last, for Older.
std::vector<std::uint16_t> Ids(std::uint16_t first, std::uint16_t last);
ObjectDefinition Older(const ObjectDefinition& newer, const Header& header,
                       const std::vector<std::uint16_t>& ids);

// The resource `id` of `object`, which must exist, for patching what an older version had.
ResourceDefinition& Resource(ObjectDefinition& object, std::uint16_t id);

// Each object's versions, oldest first, appended to `out`.
void AddSecurity(std::vector<ObjectDefinition>& out);
void AddServer(std::vector<ObjectDefinition>& out);
void AddAccessControl(std::vector<ObjectDefinition>& out);
void AddDevice(std::vector<ObjectDefinition>& out);
void AddConnectivityMonitoring(std::vector<ObjectDefinition>& out);
void AddFirmwareUpdate(std::vector<ObjectDefinition>& out);
void AddLocation(std::vector<ObjectDefinition>& out);
void AddConnectivityStatistics(std::vector<ObjectDefinition>& out);
void AddSoftwareManagement(std::vector<ObjectDefinition>& out);

}  // namespace custos::lwm2m::builtin
