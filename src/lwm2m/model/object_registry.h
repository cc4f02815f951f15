// The object registry: the built-in core objects plus definitions loaded from DDF files,
// looked up by (object id, version) and by what a device declared at registration.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "lwm2m/model/ddf_loader.h"
#include "lwm2m/model/object_definition.h"
#include "lwm2m/path.h"
#include "lwm2m/value.h"

namespace custos::lwm2m {

// The object versions one device declared at registration ("</1>;ver=1.1" gives {1, 1.1}).
// Objects it gave no version for are absent.
using DeclaredVersions = std::map<std::uint16_t, ObjectVersion>;

// Built at start-up, read-only afterwards: the const members may be called from any number of
// threads at once, Add and AddDirectory from none while they run. Pointers it returns stay
// valid until the next Add or AddDirectory.
class ObjectRegistry {
 public:
  // The built-in core objects (BuiltinObjects()).
  ObjectRegistry();
  // No definition at all.
  static ObjectRegistry Empty();

  // Adds `definition`, replacing (and logging) one with the same id and version. Returns
  // whether it replaced one.
  bool Add(ObjectDefinition definition);
  // LoadDdfDirectory(dir), then Add of every definition it read, in file name order. A bad
  // file is logged as a warning and listed in the report, never fatal; an error only when
  // `dir` cannot be listed.
  core::Result<DdfLoadReport> AddDirectory(const std::filesystem::path& dir);

  // The definition of `object` at exactly `version`, or nullptr. Without a version, the one a
  // device that did not say is read with: the latest 1.x version (TS Core: no "ver" means 1.0,
  // and each 1.x only adds to 1.0, so the latest also reads a 1.0 device), else the latest.
  const ObjectDefinition* Find(std::uint16_t object,
                               std::optional<ObjectVersion> version = std::nullopt) const;
  // The definition to read `object` of a device with: undeclared, Find(object); declared, that
  // version, or when it is unknown here the nearest of the same major version (the highest
  // below it, else the lowest above it). nullptr when there is none: a different major
  // version may mean anything, so its values stay raw.
  const ObjectDefinition* FindForDevice(std::uint16_t object,
                                        const DeclaredVersions& versions) const;
  // The definition of the resource at a resource or resource instance path, for a device;
  // nullptr for other paths and unknown objects or resources.
  const ResourceDefinition* FindResource(const Path& path,
                                         const DeclaredVersions& versions = {}) const;
  // The type of the value at a resource or resource instance path: the resource's type (kNone
  // for an executable), nullopt when unknown or when the definition gives none.
  std::optional<ResourceType> TypeAt(const Path& path, const DeclaredVersions& versions = {}) const;
  // TypeAt for one device, for the content formats. It refers to this registry, which must
  // outlive it and not change while it is in use.
  TypeResolver ResolverFor(DeclaredVersions versions) const;

  // The versions known of `object`, oldest first (empty when unknown).
  std::vector<ObjectVersion> Versions(std::uint16_t object) const;
  // Every definition, by id then version.
  std::vector<const ObjectDefinition*> All() const;
  std::size_t size() const;

 private:
  struct NoDefinitions {};
  explicit ObjectRegistry(NoDefinitions) {}

  std::unordered_map<std::uint16_t, std::vector<ObjectDefinition>> objects_;  // by version
};

}  // namespace custos::lwm2m
