// FromJson: the typed JSON form of a Write to records, checked against the model
// (typed_json.h, docs/lwm2m.md).
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <set>
#include <string_view>

#include "lwm2m/model/typed_json.h"
#include "lwm2m/model/value_text.h"

namespace custos::lwm2m {
namespace {

namespace json = boost::json;
using core::ErrorCode;

constexpr double kMaxExactDouble = 9007199254740992.0;  // 2^53

tl::unexpected<core::Error> Fail(ErrorCode code, const Path& at, std::string_view what) {
  return core::MakeError(code, fmt::format("{}: {}", ToString(at), what));
}

// A short picture of a JSON value for messages.
std::string Show(const json::value& v) {
  std::string text = json::serialize(v);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  const char* kind = v.is_string()   ? "string"
                     : v.is_bool()   ? "boolean"
                     : v.is_number() ? "number"
                     : v.is_null()   ? "null"
                     : v.is_array()  ? "array"
                                     : "object";
  return v.is_null() ? "null" : fmt::format("{} {}", kind, text);
}

std::optional<double> IntegralDouble(const json::value& v) {
  if (!v.is_double()) return std::nullopt;
  const double d = v.get_double();
  if (std::trunc(d) != d || std::fabs(d) > kMaxExactDouble) return std::nullopt;
  return d;
}

std::optional<std::int64_t> AsInt64(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {  // parsed text uses uint64 only above INT64_MAX, built values may not
    const auto u = v.get_uint64();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(u);
  }
  if (auto d = IntegralDouble(v)) return static_cast<std::int64_t>(*d);
  return std::nullopt;
}

const char* Expected(ResourceType type) {
  switch (type) {
    case ResourceType::kString:
      return "a string";
    case ResourceType::kInteger:
      return "an integer (-2^63..2^63-1)";
    case ResourceType::kUnsignedInteger:
      return "an unsigned integer (0..2^64-1)";
    case ResourceType::kFloat:
      return "a number (or \"NaN\", \"Infinity\", \"-Infinity\")";
    case ResourceType::kBoolean:
      return "true or false";
    case ResourceType::kOpaque:
      return "base64 text";
    case ResourceType::kTime:
      return "integer seconds since the epoch or ISO 8601 text";
    case ResourceType::kObjectLink:
      return "\"object:instance\" text";
    case ResourceType::kCoreLink:
      return "link-format text";
    case ResourceType::kNone:
      return "no value";
  }
  return "a value";
}

std::optional<Value> Convert(const json::value& v, ResourceType type) {
  switch (type) {
    case ResourceType::kString:
      if (v.is_string()) return Value(std::string(v.get_string()));
      return std::nullopt;
    case ResourceType::kInteger:
      if (auto n = AsInt64(v)) return Value(*n);
      return std::nullopt;
    case ResourceType::kUnsignedInteger:
      if (v.is_uint64()) return Value(v.get_uint64());
      if (auto n = AsInt64(v); n && *n >= 0) return Value(static_cast<std::uint64_t>(*n));
      return std::nullopt;
    case ResourceType::kFloat:
      if (v.is_number()) return Value(v.to_number<double>());
      if (v.is_string()) {
        const std::string_view s = v.get_string();
        if (s == "NaN") return Value(std::numeric_limits<double>::quiet_NaN());
        if (s == "Infinity") return Value(std::numeric_limits<double>::infinity());
        if (s == "-Infinity") return Value(-std::numeric_limits<double>::infinity());
      }
      return std::nullopt;
    case ResourceType::kBoolean:
      if (v.is_bool()) return Value(v.get_bool());
      return std::nullopt;
    case ResourceType::kOpaque:
      if (!v.is_string()) return std::nullopt;
      if (auto bytes = text::DecodeBase64(v.get_string())) return Value(std::move(*bytes));
      return std::nullopt;
    case ResourceType::kTime:
      if (auto n = AsInt64(v)) return Value(TimeValue{*n});
      if (!v.is_string()) return std::nullopt;
      if (auto s = text::ParseIso8601(v.get_string())) return Value(TimeValue{*s});
      return std::nullopt;
    case ResourceType::kObjectLink:
      if (!v.is_string()) return std::nullopt;
      if (auto link = text::ParseObjectLink(v.get_string())) return Value(*link);
      return std::nullopt;
    case ResourceType::kCoreLink:
      if (v.is_string()) return Value(CoreLink{std::string(v.get_string())});
      return std::nullopt;
    case ResourceType::kNone:
      return std::nullopt;
  }
  return std::nullopt;
}

class WriteReader {
 public:
  WriteReader(const ObjectRegistry& registry, const DeclaredVersions& versions, WriteKind kind)
      : registry_(registry), versions_(versions), kind_(kind) {}

  core::Result<std::vector<Record>> Read(const json::value& v, const Path& path) {
    core::Result<void> ok;
    switch (path.depth()) {
      case 0:
        return Fail(ErrorCode::kInvalidArgument, path,
                    "a write needs an object, instance, resource or resource instance path");
      case 1:
        if (kind_ == WriteKind::kWrite) {
          return Fail(ErrorCode::kInvalidArgument, path,
                      "a Write targets an object instance or a resource, not an object");
        }
        ok = Object(v, path, true);
        break;
      case 2:
        ok = Instance(v, path, true);
        break;
      case 3:
        ok = Resource(v, path, true);
        break;
      default:
        ok = ResourceInstance(v, path);
        break;
    }
    if (!ok) return tl::unexpected(ok.error());
    return std::move(records_);
  }

 private:
  core::Result<void> Object(const json::value& v, const Path& path, bool top) {
    auto node = Node(v, path, top, {"id", "name", "version", "instances", "path"});
    if (!node) return tl::unexpected(node.error());
    return Children(**node, path, "instances", [&](const json::value& child, std::uint16_t id) {
      return Instance(child, Path::Instance(*path.object, id), false);
    });
  }

  core::Result<void> Instance(const json::value& v, const Path& path, bool top) {
    auto node = Node(v, path, top, {"id", "resources", "path"});
    if (!node) return tl::unexpected(node.error());
    return Children(**node, path, "resources", [&](const json::value& child, std::uint16_t id) {
      return Resource(child, Path::Resource(*path.object, *path.instance, id), false);
    });
  }

  core::Result<void> Resource(const json::value& v, const Path& path, bool top) {
    auto target = Target(path);
    if (!target) return tl::unexpected(target.error());
    if (top && !v.is_object()) {  // a bare value
      if (target->multiple) {
        return Fail(ErrorCode::kInvalidArgument, path,
                    "a multiple resource: give {\"instances\": [{\"id\": ..., \"value\": ...}]}");
      }
      return Leaf(v, path, target->type, nullptr);
    }
    auto node = Node(v, path, top,
                     {"id", "name", "type", "multiple", "value", "value_type", "iso8601",
                      "timestamp", "instances", "path"});
    if (!node) return tl::unexpected(node.error());
    const json::object& o = **node;
    auto type = NodeType(o, path, target->type);
    if (!type) return tl::unexpected(type.error());
    const bool multiple = target->known ? target->multiple : o.contains("instances");
    if (multiple) {
      if (o.contains("value")) {
        return Fail(ErrorCode::kInvalidArgument, path,
                    "a multiple resource: give \"instances\", not \"value\"");
      }
      return Children(o, path, "instances", [&](const json::value& child, std::uint16_t id) {
        const Path at = Path::ResourceInstance(*path.object, *path.instance, *path.resource, id);
        auto entry = Node(child, at, false, {"id", "value", "value_type", "iso8601", "timestamp"});
        if (!entry) return core::Result<void>(tl::unexpected(entry.error()));
        return Leaf(child, at, *type, *entry);
      });
    }
    if (o.contains("instances")) {
      return Fail(ErrorCode::kInvalidArgument, path,
                  "a single resource: give \"value\", not \"instances\"");
    }
    return Leaf(v, path, *type, &o);
  }

  core::Result<void> ResourceInstance(const json::value& v, const Path& path) {
    auto target = Target(path);
    if (!target) return tl::unexpected(target.error());
    if (target->known && !target->multiple) {
      return Fail(ErrorCode::kInvalidArgument, path,
                  "the resource is single: it has no resource instances");
    }
    if (!v.is_object()) return Leaf(v, path, target->type, nullptr);
    auto node = Node(v, path, true,
                     {"id", "name", "type", "value", "value_type", "iso8601", "timestamp", "path"});
    if (!node) return tl::unexpected(node.error());
    auto type = NodeType(**node, path, target->type);
    if (!type) return tl::unexpected(type.error());
    return Leaf(v, path, *type, *node);
  }

  // What the model says of the resource at `path`, after checking `kind_` may set it.
  struct TargetInfo {
    bool known = false;
    bool multiple = false;
    std::optional<ResourceType> type;  // nullopt: the node must say
  };
  core::Result<TargetInfo> Target(const Path& path) {
    const auto* object = registry_.FindForDevice(*path.object, versions_);
    if (object == nullptr) return TargetInfo{};
    const auto* r = object->FindResource(*path.resource);
    if (r == nullptr) {
      return Fail(ErrorCode::kNotFound, path,
                  fmt::format("object {} ({} {}) has no resource {}", object->id, object->name,
                              ToString(object->version), *path.resource));
    }
    const auto named = fmt::format("\"{}\"", r->name);
    if (IsExecutable(r->operations)) {
      return Fail(ErrorCode::kPermissionDenied, path,
                  fmt::format("{} is executable: it takes no value", named));
    }
    if (kind_ != WriteKind::kBootstrapWrite && r->operations == Operations::kNone) {
      return Fail(ErrorCode::kPermissionDenied, path,
                  fmt::format("{} is set only by a Bootstrap-Server", named));
    }
    if (kind_ == WriteKind::kWrite && !IsWritable(r->operations)) {
      return Fail(ErrorCode::kPermissionDenied, path, fmt::format("{} is read-only", named));
    }
    TargetInfo info{true, r->multiple, r->type};
    if (r->type == ResourceType::kNone) info.type.reset();  // a definition without a type
    return info;
  }

  // The node's type: the model's, which a "type" member must agree with; else "type".
  core::Result<ResourceType> NodeType(const json::object& o, const Path& path,
                                      std::optional<ResourceType> model) {
    const auto* given = o.if_contains("type");
    if (given == nullptr) {
      if (model) return *model;
      return Fail(ErrorCode::kInvalidArgument, path,
                  "the model does not know this resource: give its \"type\"");
    }
    auto type = ParseTypeMember(*given, path, "type");
    if (!type) return type;
    if (model && *type != *model) {
      return Fail(
          ErrorCode::kInvalidArgument, path,
          fmt::format("\"type\" is {}, the model says {}", ToString(*type), ToString(*model)));
    }
    return type;
  }

  static core::Result<ResourceType> ParseTypeMember(const json::value& v, const Path& path,
                                                    std::string_view member) {
    std::optional<ResourceType> type;
    if (v.is_string()) type = ParseResourceType(std::string_view(v.get_string()));
    if (!type || *type == ResourceType::kNone) {
      return Fail(ErrorCode::kInvalidArgument, path,
                  fmt::format("\"{}\" {} is not a value type (String, Integer, Unsigned "
                              "Integer, Float, Boolean, Opaque, Time, Objlnk, Corelnk)",
                              member, Show(v)));
    }
    return *type;
  }

  // One value: `v` itself (a bare value, `node` null) or `node`'s "value".
  core::Result<void> Leaf(const json::value& v, const Path& path, std::optional<ResourceType> type,
                          const json::object* node) {
    if (!type) {
      return Fail(ErrorCode::kInvalidArgument, path,
                  "the model does not know this resource: give {\"type\": ..., \"value\": ...}");
    }
    const json::value* value = &v;
    if (node != nullptr) {
      if (node->contains("series")) {
        return Fail(ErrorCode::kInvalidArgument, path, "a series cannot be written");
      }
      value = node->if_contains("value");
      if (value == nullptr) return Fail(ErrorCode::kInvalidArgument, path, "\"value\" is missing");
      if (const auto* vt = node->if_contains("value_type")) {
        auto t = ParseTypeMember(*vt, path, "value_type");
        if (!t) return tl::unexpected(t.error());
        if (*t != *type) {
          return Fail(ErrorCode::kInvalidArgument, path,
                      fmt::format("\"value_type\" is {}, the resource is {}", ToString(*t),
                                  ToString(*type)));
        }
      }
    }
    auto converted = Convert(*value, *type);
    if (!converted) {
      return Fail(
          ErrorCode::kInvalidArgument, path,
          fmt::format("{} expected ({}), got {}", ToString(*type), Expected(*type), Show(*value)));
    }
    records_.push_back(Record{path, std::move(*converted), std::nullopt});
    return {};
  }

  // `v` as an object with only `allowed` members; at the top, "id" and "path" must match.
  static core::Result<const json::object*> Node(const json::value& v, const Path& path, bool top,
                                                std::initializer_list<std::string_view> allowed) {
    if (!v.is_object()) {
      return Fail(ErrorCode::kInvalidArgument, path,
                  fmt::format("expected a JSON object, got {}", Show(v)));
    }
    const auto& o = v.get_object();
    if (o.contains("series")) {
      return Fail(ErrorCode::kInvalidArgument, path, "a series cannot be written");
    }
    for (const auto& member : o) {
      if (std::find(allowed.begin(), allowed.end(), member.key()) == allowed.end() ||
          (!top && member.key() == "path")) {
        return Fail(ErrorCode::kInvalidArgument, path,
                    fmt::format("unexpected member \"{}\"", std::string_view(member.key())));
      }
    }
    if (top) {
      if (const auto* id = o.if_contains("id")) {
        const std::uint16_t own = path.depth() == 4   ? *path.resource_instance
                                  : path.depth() == 3 ? *path.resource
                                  : path.depth() == 2 ? *path.instance
                                                      : *path.object;
        if (!id->is_number() || AsInt64(*id) != std::int64_t{own}) {
          return Fail(ErrorCode::kInvalidArgument, path,
                      fmt::format("\"id\" {} does not match the path", Show(*id)));
        }
      }
      if (const auto* p = o.if_contains("path");
          p != nullptr && (!p->is_string() || ParsePath(p->get_string()) != path)) {
        return Fail(ErrorCode::kInvalidArgument, path,
                    fmt::format("\"path\" {} does not match the request's", Show(*p)));
      }
    }
    return &o;
  }

  // Each entry of the array `member` of `o`, with its "id", to `child`; ids unique.
  template <class Child>
  core::Result<void> Children(const json::object& o, const Path& path, std::string_view member,
                              Child child) {
    const auto* list = o.if_contains(member);
    if (list == nullptr || !list->is_array()) {
      return Fail(ErrorCode::kInvalidArgument, path,
                  fmt::format("\"{}\" must be an array of nodes with an \"id\"", member));
    }
    if (list->get_array().empty()) {
      return Fail(ErrorCode::kInvalidArgument, path,
                  fmt::format("\"{}\" is empty: nothing to write", member));
    }
    std::set<std::uint16_t> seen;
    for (const auto& entry : list->get_array()) {
      const auto* id = entry.is_object() ? entry.get_object().if_contains("id") : nullptr;
      const auto n = id != nullptr ? AsInt64(*id) : std::nullopt;
      if (!n || *n < 0 || *n > 65534) {
        return Fail(ErrorCode::kInvalidArgument, path,
                    fmt::format("each entry of \"{}\" needs an \"id\" 0..65534, got {}", member,
                                id != nullptr ? Show(*id) : Show(entry)));
      }
      const auto child_id = static_cast<std::uint16_t>(*n);
      if (!seen.insert(child_id).second) {
        return Fail(ErrorCode::kInvalidArgument, path,
                    fmt::format("id {} appears twice in \"{}\"", child_id, member));
      }
      if (auto ok = child(entry, child_id); !ok) return ok;
    }
    return {};
  }

  const ObjectRegistry& registry_;
  const DeclaredVersions& versions_;
  const WriteKind kind_;
  std::vector<Record> records_;
};

}  // namespace

core::Result<std::vector<Record>> FromJson(const json::value& json, const Path& path,
                                           const ObjectRegistry& registry,
                                           const DeclaredVersions& versions, WriteKind kind) {
  return WriteReader(registry, versions, kind).Read(json, path);
}

}  // namespace custos::lwm2m
