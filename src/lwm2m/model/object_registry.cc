#include "lwm2m/model/object_registry.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "lwm2m/model/builtin_objects.h"

namespace custos::lwm2m {

ObjectRegistry::ObjectRegistry() {
  for (const auto& def : BuiltinObjects()) Add(def);
}

ObjectRegistry ObjectRegistry::Empty() { return ObjectRegistry(NoDefinitions{}); }

bool ObjectRegistry::Add(ObjectDefinition definition) {
  auto& versions = objects_[definition.id];
  auto it = std::lower_bound(
      versions.begin(), versions.end(), definition.version,
      [](const ObjectDefinition& d, const ObjectVersion& v) { return d.version < v; });
  if (it != versions.end() && it->version == definition.version) {
    spdlog::info("lwm2m model: object {} \"{}\" version {} replaced by a loaded definition",
                 definition.id, definition.name, ToString(definition.version));
    *it = std::move(definition);
    return true;
  }
  versions.insert(it, std::move(definition));
  return false;
}

core::Result<DdfLoadReport> ObjectRegistry::AddDirectory(const std::filesystem::path& dir) {
  auto report = LoadDdfDirectory(dir);
  if (!report) return report;
  for (const auto& problem : report->problems) {
    spdlog::warn("lwm2m model: skipped {}", problem.message);
  }
  for (const auto& def : report->definitions) Add(def);
  spdlog::info("lwm2m model: {} definitions from {} files in {}, {} files skipped",
               report->definitions.size(), report->files_loaded, dir.string(),
               report->problems.size());
  return report;
}

const ObjectDefinition* ObjectRegistry::Find(std::uint16_t object,
                                             std::optional<ObjectVersion> version) const {
  auto found = objects_.find(object);
  if (found == objects_.end() || found->second.empty()) return nullptr;
  const auto& versions = found->second;
  if (version) {
    for (const auto& def : versions) {
      if (def.version == *version) return &def;
    }
    return nullptr;
  }
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->version.major == 1) return &*it;
  }
  return &versions.back();
}

const ObjectDefinition* ObjectRegistry::FindForDevice(std::uint16_t object,
                                                      const DeclaredVersions& versions) const {
  auto wanted = versions.find(object);
  if (wanted == versions.end()) return Find(object);
  auto found = objects_.find(object);
  if (found == objects_.end()) return nullptr;
  const ObjectVersion v = wanted->second;
  const ObjectDefinition* below = nullptr;
  const ObjectDefinition* above = nullptr;
  for (const auto& def : found->second) {  // ascending
    if (def.version.major != v.major) continue;
    if (def.version == v) return &def;
    if (def.version < v) below = &def;
    if (def.version > v && above == nullptr) above = &def;
  }
  return below != nullptr ? below : above;
}

const ResourceDefinition* ObjectRegistry::FindResource(const Path& path,
                                                       const DeclaredVersions& versions) const {
  if (path.depth() < 3) return nullptr;
  const auto* object = FindForDevice(*path.object, versions);
  return object != nullptr ? object->FindResource(*path.resource) : nullptr;
}

std::optional<ResourceType> ObjectRegistry::TypeAt(const Path& path,
                                                   const DeclaredVersions& versions) const {
  const auto* r = FindResource(path, versions);
  if (r == nullptr) return std::nullopt;
  // A readable resource whose definition leaves the type empty cannot be decoded by type.
  if (r->type == ResourceType::kNone && !IsExecutable(r->operations)) return std::nullopt;
  return r->type;
}

TypeResolver ObjectRegistry::ResolverFor(DeclaredVersions versions) const {
  return
      [this, versions = std::move(versions)](const Path& path) { return TypeAt(path, versions); };
}

std::vector<ObjectVersion> ObjectRegistry::Versions(std::uint16_t object) const {
  std::vector<ObjectVersion> out;
  if (auto found = objects_.find(object); found != objects_.end()) {
    for (const auto& def : found->second) out.push_back(def.version);
  }
  return out;
}

std::vector<const ObjectDefinition*> ObjectRegistry::All() const {
  std::vector<const ObjectDefinition*> out;
  for (const auto& [id, versions] : objects_) {
    for (const auto& def : versions) out.push_back(&def);
  }
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return std::tie(a->id, a->version) < std::tie(b->id, b->version);
  });
  return out;
}

std::size_t ObjectRegistry::size() const {
  std::size_t n = 0;
  for (const auto& [id, versions] : objects_) n += versions.size();
  return n;
}

}  // namespace custos::lwm2m
