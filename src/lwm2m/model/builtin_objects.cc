#include "lwm2m/model/builtin_objects.h"

#include <cstdlib>

#include "lwm2m/model/builtin_table.h"

namespace custos::lwm2m {
namespace builtin {

ObjectDefinition Make(const Header& header, std::span<const Row> rows) {
  ObjectDefinition def;
  def.id = header.id;
  def.name = header.name;
  def.description = header.description;
  def.version = header.version;
  def.lwm2m_version = header.lwm2m_version;
  def.urn = header.urn;
  def.multiple = header.multiple;
  def.mandatory = header.mandatory;
  for (const auto& row : rows) {
    def.resources.push_back({row.id, row.name, row.operations, row.multiple, row.mandatory,
                             row.type, row.range, row.units, row.description});
  }
  // The tables are written in id order without repeats; a slip is a programming error.
  if (!NormalizeResources(def)) std::abort();
  return def;
}

ObjectDefinition Older(const ObjectDefinition& newer, const Header& header,
                       const std::vector<std::uint16_t>& ids) {
  ObjectDefinition def = newer;
  def.version = header.version;
  def.lwm2m_version = header.lwm2m_version;
  def.urn = header.urn;
  def.resources.clear();
  for (auto id : ids) {
    const auto* r = newer.FindResource(id);
    if (r == nullptr) std::abort();
    def.resources.push_back(*r);
  }
  if (!NormalizeResources(def)) std::abort();
  return def;
}

ObjectDefinition Older(const ObjectDefinition& newer, const Header& header,
                       std::initializer_list<std::uint16_t> ids) {
  return Older(newer, header, std::vector<std::uint16_t>(ids));
}

std::vector<std::uint16_t> Ids(std::uint16_t first, std::uint16_t last) {
  std::vector<std::uint16_t> ids;
  for (auto id = first; id <= last; ++id) ids.push_back(id);
  return ids;
}

ResourceDefinition& Resource(ObjectDefinition& object, std::uint16_t id) {
  auto* r = const_cast<ResourceDefinition*>(object.FindResource(id));
  if (r == nullptr) std::abort();
  return *r;
}

}  // namespace builtin

const std::vector<ObjectDefinition>& BuiltinObjects() {
  static const std::vector<ObjectDefinition> objects = [] {
    std::vector<ObjectDefinition> out;
    builtin::AddSecurity(out);
    builtin::AddServer(out);
    builtin::AddAccessControl(out);
    builtin::AddDevice(out);
    builtin::AddConnectivityMonitoring(out);
    builtin::AddFirmwareUpdate(out);
    builtin::AddLocation(out);
    builtin::AddConnectivityStatistics(out);
    builtin::AddSoftwareManagement(out);
    return out;
  }();
  return objects;
}

}  // namespace custos::lwm2m
