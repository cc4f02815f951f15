// The typed JSON form of LwM2M data for the REST API (docs/lwm2m.md, "Object model"): Read
// results nested object > instance > resource > resource instance, each node with its id and,
// where the model knows it, its name and type; and the reverse for Write, type-checked
// against the model.
#pragma once

#include <boost/json/fwd.hpp>
#include <span>
#include <vector>

#include "core/error.h"
#include "lwm2m/model/object_registry.h"
#include "lwm2m/value.h"

namespace custos::lwm2m {

// The JSON form of a Read (or Observe, Send) result at `path`: a node of the path's depth
// ({"objects": [...]} for the root, an object, an instance, a resource or a resource
// instance) with "path" added, its children ordered by id. Records outside `path` or above
// resource depth are not part of it. Values are written as their own type says (Opaque as
// base64, Time as seconds plus "iso8601", Objlnk as "3:0"); a value whose type differs from
// the model's carries "value_type". A path that appears more than once (a time series) is
// written as "series". Unknown objects and resources appear with ids and raw values only.
boost::json::value ToJson(const Path& path, std::span<const Record> records,
                          const ObjectRegistry& registry, const DeclaredVersions& versions = {});

// Which operation FromJson's records are for; it decides which resources may be given.
enum class WriteKind {
  kWrite,           // Device Management Write: writable resources (W, RW) only
  kCreate,          // Create: any resource with a value; the client checks the rest
  kBootstrapWrite,  // Bootstrap-Write: any resource with a value, Security included
};

// The records of a Write (Create, Bootstrap-Write) at `path` from the JSON form of a node at
// that depth, as ToJson writes it ("name", "multiple", "iso8601" and the like are accepted
// and ignored; "id", "path" and "type", if present, must agree). A single resource or a
// resource instance may also be given as its bare value. Each value is checked against the
// resource's type in the model; kInvalidArgument for a wrong type or shape, kNotFound for a
// resource the object does not define, kPermissionDenied for one that `kind` may not set
// (read-only, executable, bootstrap-only). A resource of an unknown object needs "type". Every
// message names the path of the offending value.
core::Result<std::vector<Record>> FromJson(const boost::json::value& json, const Path& path,
                                           const ObjectRegistry& registry,
                                           const DeclaredVersions& versions = {},
                                           WriteKind kind = WriteKind::kWrite);

}  // namespace custos::lwm2m
