// ToJson: records to the typed JSON form (typed_json.h, docs/lwm2m.md).
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <optional>

#include "lwm2m/model/typed_json.h"
#include "lwm2m/model/value_text.h"

namespace custos::lwm2m {
namespace {

namespace json = boost::json;

using Leaf = std::vector<const Record*>;  // one path's records, in order (more: a series)
struct ResourceRecords {
  Leaf direct;                              // at /O/I/R
  std::map<std::uint16_t, Leaf> instances;  // at /O/I/R/RI
};
using InstanceRecords = std::map<std::uint16_t, ResourceRecords>;
using ObjectRecords = std::map<std::uint16_t, InstanceRecords>;
using Tree = std::map<std::uint16_t, ObjectRecords>;

json::value ValueJson(const Value& value) {
  struct Visitor {
    json::value operator()(const std::string& s) const { return json::string(s); }
    json::value operator()(std::int64_t n) const { return n; }
    json::value operator()(std::uint64_t n) const { return n; }
    json::value operator()(double d) const {
      if (std::isnan(d)) return json::string("NaN");
      if (std::isinf(d)) return json::string(d > 0 ? "Infinity" : "-Infinity");
      return d;
    }
    json::value operator()(bool b) const { return b; }
    json::value operator()(const Opaque& o) const { return json::string(text::EncodeBase64(o)); }
    json::value operator()(const TimeValue& t) const { return t.seconds; }
    json::value operator()(const ObjectLink& l) const {
      return json::string(text::FormatObjectLink(l));
    }
    json::value operator()(const CoreLink& l) const { return json::string(l.text); }
  };
  return std::visit(Visitor{}, value);
}

// "value" (with "iso8601" for a Time, "value_type" when it is not `node_type`, "timestamp"
// when measured at a known time) into `out`.
void PutValue(json::object& out, const Record& record, std::optional<ResourceType> node_type) {
  out["value"] = ValueJson(record.value);
  if (const auto* t = std::get_if<TimeValue>(&record.value)) {
    out["iso8601"] = text::FormatIso8601(t->seconds);
  }
  if (node_type && *node_type != TypeOf(record.value)) {
    out["value_type"] = ToString(TypeOf(record.value));
  }
  if (record.time) out["timestamp"] = *record.time;
}

void PutLeaf(json::object& out, const Leaf& leaf, std::optional<ResourceType> node_type) {
  if (leaf.size() == 1) {
    PutValue(out, *leaf.front(), node_type);
    return;
  }
  json::array series;
  for (const auto* record : leaf) {
    json::object entry;
    PutValue(entry, *record, node_type);
    series.push_back(std::move(entry));
  }
  out["series"] = std::move(series);
}

class Writer {
 public:
  Writer(const ObjectRegistry& registry, const DeclaredVersions& versions)
      : registry_(registry), versions_(versions) {}

  void Object(json::object& out, std::uint16_t id, const ObjectRecords& records) const {
    out["id"] = id;
    if (const auto* def = registry_.FindForDevice(id, versions_)) {
      out["name"] = def->name;
      out["version"] = ToString(def->version);
    }
    json::array instances;
    for (const auto& [instance_id, instance] : records) {
      json::object node;
      Instance(node, id, instance_id, instance);
      instances.push_back(std::move(node));
    }
    out["instances"] = std::move(instances);
  }

  void Instance(json::object& out, std::uint16_t object, std::uint16_t id,
                const InstanceRecords& records) const {
    out["id"] = id;
    json::array resources;
    for (const auto& [resource_id, resource] : records) {
      json::object node;
      Resource(node, Path::Resource(object, id, resource_id), resource);
      resources.push_back(std::move(node));
    }
    out["resources"] = std::move(resources);
  }

  void Resource(json::object& out, const Path& path, const ResourceRecords& records) const {
    const auto* def = registry_.FindResource(path, versions_);
    out["id"] = *path.resource;
    if (def != nullptr) out["name"] = def->name;
    const auto type = NodeType(def, records);
    if (type) out["type"] = ToString(*type);
    const bool multiple = (def != nullptr && def->multiple) || !records.instances.empty();
    out["multiple"] = multiple;
    if (!records.direct.empty()) PutLeaf(out, records.direct, type);
    if (multiple) {
      json::array instances;
      for (const auto& [instance_id, leaf] : records.instances) {
        json::object entry;
        entry["id"] = instance_id;
        PutLeaf(entry, leaf, type);
        instances.push_back(std::move(entry));
      }
      out["instances"] = std::move(instances);
    }
  }

  void ResourceInstance(json::object& out, const Path& path, const Leaf& leaf) const {
    const auto* def = registry_.FindResource(path, versions_);
    out["id"] = *path.resource_instance;
    if (def != nullptr) out["name"] = def->name;
    ResourceRecords records;
    records.direct = leaf;
    const auto type = NodeType(def, records);
    if (type) out["type"] = ToString(*type);
    if (!leaf.empty()) PutLeaf(out, leaf, type);
  }

 private:
  // The model's type when it has one, else the type of the first value.
  static std::optional<ResourceType> NodeType(const ResourceDefinition* def,
                                              const ResourceRecords& records) {
    if (def != nullptr && def->type != ResourceType::kNone) return def->type;
    if (!records.direct.empty()) return TypeOf(records.direct.front()->value);
    if (!records.instances.empty()) {
      return TypeOf(records.instances.begin()->second.front()->value);
    }
    if (def != nullptr) return def->type;
    return std::nullopt;
  }

  const ObjectRegistry& registry_;
  const DeclaredVersions& versions_;
};

}  // namespace

json::value ToJson(const Path& path, std::span<const Record> records,
                   const ObjectRegistry& registry, const DeclaredVersions& versions) {
  Tree tree;
  for (const auto& record : records) {
    const Path& p = record.path;
    if (p.depth() < 3 || !path.Contains(p)) continue;
    auto& resource = tree[*p.object][*p.instance][*p.resource];
    if (p.resource_instance) {
      resource.instances[*p.resource_instance].push_back(&record);
    } else {
      resource.direct.push_back(&record);
    }
  }
  const Writer writer(registry, versions);
  json::object out;
  out["path"] = ToString(path);
  switch (path.depth()) {
    case 0: {
      json::array objects;
      for (const auto& [id, object] : tree) {
        json::object node;
        writer.Object(node, id, object);
        objects.push_back(std::move(node));
      }
      out["objects"] = std::move(objects);
      break;
    }
    case 1:
      writer.Object(out, *path.object, tree[*path.object]);
      break;
    case 2:
      writer.Instance(out, *path.object, *path.instance, tree[*path.object][*path.instance]);
      break;
    case 3:
      writer.Resource(out, path, tree[*path.object][*path.instance][*path.resource]);
      break;
    default: {
      auto& resource = tree[*path.object][*path.instance][*path.resource];
      writer.ResourceInstance(out, path, resource.instances[*path.resource_instance]);
      break;
    }
  }
  return out;
}

}  // namespace custos::lwm2m
