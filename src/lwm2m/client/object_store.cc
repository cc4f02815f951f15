#include "lwm2m/client/object_store.h"

#include <cmath>
#include <type_traits>
#include <utility>

namespace custos::lwm2m::client {
namespace {

using core::ErrorCode;
using core::MakeError;

tl::unexpected<core::Error> NotFound(const Path& path) {
  return MakeError(ErrorCode::kNotFound, "no " + ToString(path));
}

tl::unexpected<core::Error> Denied(const Path& path, const char* what) {
  return MakeError(ErrorCode::kPermissionDenied, ToString(path) + " cannot be " + what);
}

}  // namespace

core::Result<Value> Coerce(Value value, ResourceType type) {
  const auto bad = [&] {
    return MakeError(
        ErrorCode::kInvalidArgument,
        std::string("a ") + lwm2m::ToString(TypeOf(value)) + " is not a " + lwm2m::ToString(type));
  };
  if (TypeOf(value) == type) return value;
  const bool numeric = std::holds_alternative<std::int64_t>(value) ||
                       std::holds_alternative<std::uint64_t>(value) ||
                       std::holds_alternative<double>(value);
  if (numeric) {
    const double number = std::visit(
        [](const auto& v) -> double {
          if constexpr (std::is_arithmetic_v<std::decay_t<decltype(v)>>) {
            return static_cast<double>(v);
          } else {
            return 0;
          }
        },
        value);
    switch (type) {
      case ResourceType::kInteger:
        if (std::floor(number) != number) return bad();
        return Value{static_cast<std::int64_t>(number)};
      case ResourceType::kUnsignedInteger:
        if (std::floor(number) != number || number < 0) return bad();
        return Value{static_cast<std::uint64_t>(number)};
      case ResourceType::kFloat:
        return Value{number};
      case ResourceType::kTime:
        return Value{TimeValue{static_cast<std::int64_t>(number)}};
      default:
        return bad();
    }
  }
  if (type == ResourceType::kOpaque && std::holds_alternative<std::string>(value)) {
    const auto& text = std::get<std::string>(value);
    return Value{Opaque(text.begin(), text.end())};
  }
  return bad();
}

ObjectStore::ObjectStore(const ObjectRegistry& registry, ObjectVersion lwm2m_version)
    : registry_(registry), lwm2m_version_(lwm2m_version) {}

core::Result<void> ObjectStore::AddObject(std::uint16_t object) {
  if (objects_.contains(object)) return {};
  const ObjectDefinition* chosen = nullptr;
  for (ObjectVersion version : registry_.Versions(object)) {
    const ObjectDefinition* definition = registry_.Find(object, version);
    if (definition != nullptr && definition->lwm2m_version <= lwm2m_version_) chosen = definition;
  }
  if (chosen == nullptr) chosen = registry_.Find(object);
  if (chosen == nullptr) {
    return MakeError(ErrorCode::kNotFound, "no definition of object " + std::to_string(object));
  }
  objects_[object].definition = chosen;
  return {};
}

core::Result<void> ObjectStore::AddInstance(std::uint16_t object, std::uint16_t instance) {
  auto it = objects_.find(object);
  if (it == objects_.end()) return NotFound(Path::Object(object));
  if (it->second.instances.contains(instance)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     ToString(Path::Instance(object, instance)) + " exists");
  }
  if (!it->second.definition->multiple && !it->second.instances.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "object " + std::to_string(object) + " has a single instance");
  }
  it->second.instances[instance];
  Changed(Path::Instance(object, instance));
  return {};
}

const ObjectDefinition* ObjectStore::Definition(std::uint16_t object) const {
  auto it = objects_.find(object);
  return it == objects_.end() ? nullptr : it->second.definition;
}

const ResourceDefinition* ObjectStore::ResourceAt(const Path& path) const {
  if (!path.resource) return nullptr;
  const ObjectDefinition* object = Definition(*path.object);
  return object == nullptr ? nullptr : object->FindResource(*path.resource);
}

core::Result<void> ObjectStore::Set(const Path& path, Value value) {
  if (path.depth() < 3) return MakeError(ErrorCode::kInvalidArgument, "not a resource path");
  auto object = objects_.find(*path.object);
  if (object == objects_.end()) return NotFound(path);
  auto instance = object->second.instances.find(*path.instance);
  if (instance == object->second.instances.end()) return NotFound(path);
  const ResourceDefinition* def = object->second.definition->FindResource(*path.resource);
  if (def == nullptr) return NotFound(path);
  if (def->multiple != path.IsResourceInstance()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     ToString(path) + (def->multiple ? " has instances" : " has none"));
  }
  auto coerced = Coerce(std::move(value), def->type);
  if (!coerced) return tl::unexpected(coerced.error());
  Resource& resource = instance->second[*path.resource];
  Value& slot = def->multiple ? resource.instances[*path.resource_instance]
                              : resource.single.emplace(*coerced);
  if (def->multiple) slot = *coerced;
  Changed(path);
  return {};
}

core::Result<void> ObjectStore::SetInstances(const Path& path,
                                             std::map<std::uint16_t, Value> values) {
  const ResourceDefinition* def = ResourceAt(path);
  if (def == nullptr || !path.IsResource() || !Exists(path.Parent())) return NotFound(path);
  if (!def->multiple) return MakeError(ErrorCode::kInvalidArgument, ToString(path) + " is single");
  Resource replacement;
  for (auto& [id, value] : values) {
    auto coerced = Coerce(std::move(value), def->type);
    if (!coerced) return tl::unexpected(coerced.error());
    replacement.instances.emplace(id, std::move(*coerced));
  }
  objects_[*path.object].instances[*path.instance][*path.resource] = std::move(replacement);
  Changed(path);
  return {};
}

std::optional<Value> ObjectStore::Get(const Path& path) const {
  const Resource* resource = Find(path);
  if (resource == nullptr) return std::nullopt;
  if (path.IsResourceInstance()) {
    auto it = resource->instances.find(*path.resource_instance);
    if (it == resource->instances.end()) return std::nullopt;
    return it->second;
  }
  return resource->single;
}

void ObjectStore::SetAction(const Path& resource, ExecuteAction action) {
  actions_[resource] = std::move(action);
}

const ObjectStore::Resource* ObjectStore::Find(const Path& path) const {
  if (path.depth() < 3) return nullptr;
  auto object = objects_.find(*path.object);
  if (object == objects_.end()) return nullptr;
  auto instance = object->second.instances.find(*path.instance);
  if (instance == object->second.instances.end()) return nullptr;
  auto resource = instance->second.find(*path.resource);
  return resource == instance->second.end() ? nullptr : &resource->second;
}

bool ObjectStore::Exists(const Path& path) const {
  if (path.IsRoot()) return true;
  auto object = objects_.find(*path.object);
  if (object == objects_.end()) return false;
  if (path.IsObject()) return true;
  auto instance = object->second.instances.find(*path.instance);
  if (instance == object->second.instances.end()) return false;
  if (path.IsInstance()) return true;
  const ResourceDefinition* def = object->second.definition->FindResource(*path.resource);
  if (def == nullptr) return false;
  const Resource* resource = Find(path);
  // An executable resource has no value but exists when the object defines it and it has
  // an action.
  if (resource == nullptr) return IsExecutable(def->operations) && actions_.contains(path);
  if (path.IsResource()) return true;
  return resource->instances.contains(*path.resource_instance);
}

void ObjectStore::AppendRecords(const Path& path, const ResourceDefinition& def,
                                const Resource& resource, std::vector<Record>& out) const {
  if (!def.multiple) {
    if (resource.single) out.push_back(Record{path, *resource.single, std::nullopt});
    return;
  }
  for (const auto& [id, value] : resource.instances) {
    if (path.IsResourceInstance() && *path.resource_instance != id) continue;
    out.push_back(Record{Path::ResourceInstance(*path.object, *path.instance, *path.resource, id),
                         value, std::nullopt});
  }
}

core::Result<std::vector<Record>> ObjectStore::Read(const Path& path) const {
  if (path.IsRoot()) return MakeError(ErrorCode::kPermissionDenied, "the root cannot be read");
  if (!Exists(path)) return NotFound(path);
  std::vector<Record> out;
  const Object& object = objects_.at(*path.object);
  if (path.depth() >= 3) {
    const ResourceDefinition* def = object.definition->FindResource(*path.resource);
    if (!IsReadable(def->operations)) return Denied(path, "read");
    if (const Resource* resource = Find(path)) AppendRecords(path, *def, *resource, out);
    return out;
  }
  for (const auto& [instance_id, instance] : object.instances) {
    if (path.instance && *path.instance != instance_id) continue;
    for (const auto& [resource_id, resource] : instance) {
      const ResourceDefinition* def = object.definition->FindResource(resource_id);
      if (def == nullptr || !IsReadable(def->operations)) continue;
      AppendRecords(Path::Resource(*path.object, instance_id, resource_id), *def, resource, out);
    }
  }
  return out;
}

core::Result<const ResourceDefinition*> ObjectStore::CheckRecord(const Record& record,
                                                                 bool creating) const {
  const ResourceDefinition* def = ResourceAt(record.path);
  if (def == nullptr || record.path.depth() < 3) return NotFound(record.path);
  if (!creating && !IsWritable(def->operations)) return Denied(record.path, "written");
  if (def->multiple != record.path.IsResourceInstance()) {
    return MakeError(ErrorCode::kInvalidArgument, "a bad value for " + ToString(record.path));
  }
  if (auto coerced = Coerce(record.value, def->type); !coerced) {
    return tl::unexpected(coerced.error());
  }
  return def;
}

core::Result<void> ObjectStore::Write(const Path& path, std::span<const Record> records,
                                      bool replace) {
  if (path.depth() < 2) {
    return MakeError(ErrorCode::kPermissionDenied, "only instances and resources are written");
  }
  if (!Exists(path.IsResourceInstance() ? path.Parent() : path)) {
    if (!(path.IsResource() && Exists(path.Parent()) && ResourceAt(path) != nullptr)) {
      return NotFound(path);
    }
  }
  if (const ResourceDefinition* def = ResourceAt(path); def && !IsWritable(def->operations)) {
    return Denied(path, "written");
  }
  for (const Record& record : records) {
    if (!path.Contains(record.path)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       ToString(record.path) + " is outside " + ToString(path));
    }
    if (auto checked = CheckRecord(record, false); !checked) {
      return tl::unexpected(checked.error());
    }
  }
  Instance& instance = objects_[*path.object].instances[*path.instance];
  if (replace) {
    // A replaced multiple resource keeps only the instances written now.
    for (const Record& record : records) {
      if (record.path.IsResourceInstance() && !path.IsResourceInstance()) {
        instance[*record.path.resource].instances.clear();
      }
    }
  }
  for (const Record& record : records) {
    const ResourceDefinition* def = ResourceAt(record.path);
    Value value = *Coerce(record.value, def->type);
    Resource& resource = instance[*record.path.resource];
    if (def->multiple) {
      resource.instances[*record.path.resource_instance] = std::move(value);
    } else {
      resource.single = std::move(value);
    }
    Changed(record.path);
  }
  return {};
}

core::Result<std::uint16_t> ObjectStore::Create(std::uint16_t object,
                                                std::optional<std::uint16_t> instance,
                                                std::span<const Record> records) {
  auto it = objects_.find(object);
  if (it == objects_.end()) return NotFound(Path::Object(object));
  std::uint16_t id = instance.value_or(0);
  if (!instance) {
    while (it->second.instances.contains(id)) ++id;
  }
  if (auto added = AddInstance(object, id); !added) return tl::unexpected(added.error());
  for (const Record& record : records) {
    Record inside = record;
    if (!Path::Instance(object, id).Contains(inside.path)) {
      Delete(Path::Instance(object, id));
      return MakeError(ErrorCode::kInvalidArgument,
                       ToString(record.path) + " is outside the new instance");
    }
    auto checked = CheckRecord(inside, true);
    if (!checked) {
      Delete(Path::Instance(object, id));
      return tl::unexpected(checked.error());
    }
    (void)Set(inside.path, inside.value);
  }
  return id;
}

core::Result<void> ObjectStore::Delete(const Path& path) {
  if (!path.IsInstance()) return Denied(path, "deleted");
  auto object = objects_.find(*path.object);
  if (object == objects_.end() || object->second.instances.erase(*path.instance) == 0) {
    return NotFound(path);
  }
  Changed(path);
  return {};
}

core::Result<void> ObjectStore::Execute(const Path& path, std::string_view arguments) const {
  if (!path.IsResource() || !Exists(path)) {
    return path.depth() < 3 && Exists(path) ? Denied(path, "executed") : NotFound(path);
  }
  const ResourceDefinition* def = ResourceAt(path);
  if (!IsExecutable(def->operations)) return Denied(path, "executed");
  auto action = actions_.find(path);
  if (action == actions_.end()) return NotFound(path);
  return action->second(arguments);
}

std::vector<std::pair<std::uint16_t, std::vector<std::uint16_t>>> ObjectStore::Objects() const {
  std::vector<std::pair<std::uint16_t, std::vector<std::uint16_t>>> out;
  for (const auto& [id, object] : objects_) {
    std::vector<std::uint16_t> instances;
    for (const auto& [instance, resources] : object.instances) instances.push_back(instance);
    out.emplace_back(id, std::move(instances));
  }
  return out;
}

std::vector<std::uint16_t> ObjectStore::ResourcesOf(std::uint16_t object,
                                                    std::uint16_t instance) const {
  std::set<std::uint16_t> ids;
  auto it = objects_.find(object);
  if (it == objects_.end()) return {};
  auto inst = it->second.instances.find(instance);
  if (inst == it->second.instances.end()) return {};
  for (const auto& [id, resource] : inst->second) ids.insert(id);
  for (const auto& [path, action] : actions_) {
    if (*path.object == object && *path.instance == instance) ids.insert(*path.resource);
  }
  return {ids.begin(), ids.end()};
}

std::vector<std::uint16_t> ObjectStore::InstancesOf(const Path& resource) const {
  std::vector<std::uint16_t> ids;
  if (const Resource* found = Find(resource)) {
    for (const auto& [id, value] : found->instances) ids.push_back(id);
  }
  return ids;
}

TypeResolver ObjectStore::Types() const {
  return [this](const Path& path) -> std::optional<ResourceType> {
    const ResourceDefinition* def = ResourceAt(path);
    if (def == nullptr) return std::nullopt;
    return def->type;
  };
}

void ObjectStore::Changed(const Path& path) const {
  if (listener_) listener_(path);
}

}  // namespace custos::lwm2m::client
