// Parses any bytes as an OMA object definition file. Whatever loads must satisfy the model's
// invariants (resources ordered by id, unique, executables the only untyped resources unless
// the file left a type empty), go into a registry, and answer type and JSON lookups.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lwm2m/model/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace custos::lwm2m;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto defs = ParseDdf(text, "fuzz.xml");
  if (!defs) {
    if (defs.error().message.rfind("fuzz.xml: ", 0) != 0) std::abort();  // names the file
    return 0;
  }
  if (defs->empty()) std::abort();
  ObjectRegistry registry = ObjectRegistry::Empty();
  for (const auto& d : *defs) {
    for (std::size_t i = 1; i < d.resources.size(); ++i) {
      if (d.resources[i - 1].id >= d.resources[i].id) std::abort();
    }
    if (d.id == 65535 || ToString(d.version).empty()) std::abort();
    registry.Add(d);
  }
  // The last definition is the one the registry keeps for its id and version: an earlier one
  // with the same id and version is replaced by it.
  const auto& d = defs->back();
  const DeclaredVersions versions{{d.id, d.version}};
  const auto resolve = registry.ResolverFor(versions);
  std::vector<Record> records;
  for (const auto& r : d.resources) {
    const Path path = Path::Resource(d.id, 0, r.id);
    const auto type = resolve(path);
    if (!type && r.type != ResourceType::kNone) std::abort();
    if (type && *type != ResourceType::kNone) {
      records.push_back(Record{path, std::string("x"), std::nullopt});
    }
  }
  const auto json = ToJson(Path::Object(d.id), records, registry, versions);
  (void)FromJson(json, Path::Object(d.id), registry, versions, WriteKind::kBootstrapWrite);
  return 0;
}
