// The client's objects: instances and resource values (lwm2m::Value) typed by the object
// model, and the executable resources' actions. What the Device Management interface may do
// to them (read, write, create, delete, execute) is checked here against the resources'
// operations; the CoAP side (dm_requests.cc) only maps the results to codes. Not locked:
// the Client holds it under its mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "lwm2m/model/model.h"

namespace custos::lwm2m::client {

// An executable resource's action, given the Execute arguments as sent ("0='v1',1"). An
// error refuses the Execute (kInvalidArgument: 4.00, others 5.00).
using ExecuteAction = std::function<core::Result<void>(std::string_view arguments)>;

class ObjectStore {
 public:
  // Definitions come from `registry`, which must outlive the store: for each object the
  // latest version written for `lwm2m_version` or an earlier enabler version.
  ObjectStore(const ObjectRegistry& registry, ObjectVersion lwm2m_version);

  // Adds an object (no instances yet); kNotFound when the model does not know it.
  core::Result<void> AddObject(std::uint16_t object);
  // Adds an instance of a known object (AddObject first): kAlreadyExists when it exists,
  // kFailedPrecondition for a second instance of a single-instance object.
  core::Result<void> AddInstance(std::uint16_t object, std::uint16_t instance);
  // Sets a value at a resource, or at a resource instance of a multiple resource, without
  // checking operations (the device's own update). The value is converted to the
  // resource's type (numbers between integer, unsigned and float; kInvalidArgument for
  // anything else). kNotFound for an unknown object, instance or resource id.
  core::Result<void> Set(const Path& path, Value value);
  // Replaces every instance of a multiple resource.
  core::Result<void> SetInstances(const Path& resource, std::map<std::uint16_t, Value> values);
  std::optional<Value> Get(const Path& path) const;
  void SetAction(const Path& resource, ExecuteAction action);

  // --- The Device Management interface (TS Core §6.3); kNotFound for a path that does not
  // exist, kPermissionDenied for an operation the resource does not allow. ---

  // The readable values at or below `path`, in path order (a multiple resource gives one
  // record per instance). Reading an executable resource is kPermissionDenied.
  core::Result<std::vector<Record>> Read(const Path& path) const;
  // Write of `records` (decoded at `path`): `replace` (PUT) replaces a multiple resource's
  // instances, and for an instance path every multiple resource it names; a partial update
  // (POST) adds to them. Every record is checked before any is applied. Calls `changed`
  // for each path written.
  core::Result<void> Write(const Path& path, std::span<const Record> records, bool replace);
  // Creates instance `instance` (or the lowest free id) of `object` with `records`
  // (resource paths inside it, writable or not: the server sets initial values). Returns
  // the new instance id.
  core::Result<std::uint16_t> Create(std::uint16_t object, std::optional<std::uint16_t> instance,
                                     std::span<const Record> records);
  core::Result<void> Delete(const Path& instance);
  core::Result<void> Execute(const Path& resource, std::string_view arguments) const;

  const ObjectDefinition* Definition(std::uint16_t object) const;
  const ResourceDefinition* ResourceAt(const Path& path) const;
  bool Exists(const Path& path) const;
  // Objects with their instances, in id order (the registration's object list).
  std::vector<std::pair<std::uint16_t, std::vector<std::uint16_t>>> Objects() const;
  // The ids of the resources present in an instance, and of a multiple resource's
  // instances (Discover).
  std::vector<std::uint16_t> ResourcesOf(std::uint16_t object, std::uint16_t instance) const;
  std::vector<std::uint16_t> InstancesOf(const Path& resource) const;
  // The type of each path's value, for the content formats.
  TypeResolver Types() const;

  // Called after every change of a value (Set, Write, Create, Delete) with its path.
  void OnChange(std::function<void(const Path&)> listener) { listener_ = std::move(listener); }

 private:
  struct Resource {
    std::optional<Value> single;
    std::map<std::uint16_t, Value> instances;  // multiple resources
  };
  using Instance = std::map<std::uint16_t, Resource>;
  struct Object {
    const ObjectDefinition* definition = nullptr;
    std::map<std::uint16_t, Instance> instances;
  };

  const Resource* Find(const Path& path) const;
  void Changed(const Path& path) const;
  void AppendRecords(const Path& path, const ResourceDefinition& def, const Resource& resource,
                     std::vector<Record>& out) const;
  // Checks that `record` may be applied inside `base` (writable unless `creating`).
  core::Result<const ResourceDefinition*> CheckRecord(const Record& record, bool creating) const;

  const ObjectRegistry& registry_;
  ObjectVersion lwm2m_version_;
  std::map<std::uint16_t, Object> objects_;
  std::map<Path, ExecuteAction> actions_;
  std::function<void(const Path&)> listener_;
};

// `value` as a value of `type`; kInvalidArgument when it cannot be.
core::Result<Value> Coerce(Value value, ResourceType type);

}  // namespace custos::lwm2m::client
