#include "lwm2m/model/ddf_loader.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <optional>
#include <pugixml.hpp>

namespace custos::lwm2m {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// All the text of an element (PCDATA and CDATA children), trimmed.
std::string TextOf(pugi::xml_node element) {
  std::string text;
  for (auto child : element.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    }
  }
  return std::string(Trim(text));
}

// Names are shown to people and matched by them: runs of whitespace become one space.
std::string CollapseSpace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : Trim(text)) {
    if (kSpace.find(c) != std::string_view::npos) {
      space = true;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::optional<std::uint16_t> ParseId(std::string_view text) {
  text = Trim(text);
  std::uint32_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n > 65534) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(n);
}

std::optional<ResourceType> ParseType(std::string_view text) {
  if (text.empty()) return ResourceType::kNone;
  for (auto t :
       {ResourceType::kString, ResourceType::kInteger, ResourceType::kUnsignedInteger,
        ResourceType::kFloat, ResourceType::kBoolean, ResourceType::kOpaque, ResourceType::kTime,
        ResourceType::kObjectLink, ResourceType::kCoreLink, ResourceType::kNone}) {
    if (EqualsIgnoreCase(text, ToString(t))) return t;
  }
  return std::nullopt;
}

// Parses one <Object>, reporting problems against `where`, the element's path.
class ObjectParser {
 public:
  explicit ObjectParser(std::string source) : source_(std::move(source)) {}

  core::Result<ObjectDefinition> Parse(pugi::xml_node object) {
    where_ = "/LWM2M/Object";
    if (auto type = std::string_view(object.attribute("ObjectType").value());
        !type.empty() && !EqualsIgnoreCase(Trim(type), "MODefinition")) {
      return Fail(fmt::format("ObjectType \"{}\" is not \"MODefinition\"", type));
    }
    ObjectDefinition def;
    auto id = ParseId(TextOf(object.child("ObjectID")));
    if (!id) return Fail("/ObjectID", "missing or not an object id (0..65534)");
    def.id = *id;
    where_ = fmt::format("/LWM2M/Object[ObjectID=\"{}\"]", def.id);
    def.name = CollapseSpace(TextOf(object.child("Name")));
    if (def.name.empty()) return Fail("/Name", "missing or empty");
    def.description = TextOf(object.child("Description1"));
    def.urn = TextOf(object.child("ObjectURN"));
    if (auto v = Version(object, "ObjectVersion")) {
      def.version = *v;
    } else {
      return tl::unexpected(v.error());
    }
    if (auto v = Version(object, "LWM2MVersion")) {
      def.lwm2m_version = *v;
    } else {
      return tl::unexpected(v.error());
    }
    auto multiple = Multiplicity(object, "/MultipleInstances");
    if (!multiple) return tl::unexpected(multiple.error());
    def.multiple = *multiple;
    auto mandatory = Mandatory(object, "/Mandatory");
    if (!mandatory) return tl::unexpected(mandatory.error());
    def.mandatory = *mandatory;

    auto resources = object.child("Resources");
    if (!resources) return Fail("/Resources", "missing");
    for (auto item : resources.children("Item")) {
      auto r = ParseItem(item);
      if (!r) return tl::unexpected(r.error());
      def.resources.push_back(std::move(*r));
    }
    if (auto ok = NormalizeResources(def); !ok) return Fail("/Resources", ok.error().message);
    return def;
  }

 private:
  core::Result<ResourceDefinition> ParseItem(pugi::xml_node item) {
    const std::string saved = where_;
    const std::string id_text = item.attribute("ID").value();
    where_ += fmt::format("/Resources/Item[@ID=\"{}\"]", id_text);
    ResourceDefinition r;
    auto id = ParseId(id_text);
    if (!id) return Fail("", "the ID attribute is missing or not a resource id (0..65534)");
    r.id = *id;
    r.name = CollapseSpace(TextOf(item.child("Name")));
    if (r.name.empty()) return Fail("/Name", "missing or empty");
    auto operations = item.child("Operations");
    if (!operations) return Fail("/Operations", "missing");
    auto ops = ParseOperations(TextOf(operations));
    if (!ops) {
      return Fail("/Operations",
                  fmt::format("\"{}\" is not R, W, RW, E or empty", TextOf(operations)));
    }
    r.operations = *ops;
    auto multiple = Multiplicity(item, "/MultipleInstances");
    if (!multiple) return tl::unexpected(multiple.error());
    r.multiple = *multiple;
    auto mandatory = Mandatory(item, "/Mandatory");
    if (!mandatory) return tl::unexpected(mandatory.error());
    r.mandatory = *mandatory;
    const std::string type_text = TextOf(item.child("Type"));
    auto type = ParseType(type_text);
    if (!type) return Fail("/Type", fmt::format("unknown data type \"{}\"", type_text));
    r.type = *type;
    r.range = TextOf(item.child("RangeEnumeration"));
    r.units = TextOf(item.child("Units"));
    r.description = TextOf(item.child("Description"));
    where_ = saved;
    return r;
  }

  // Absent or empty: 1.0, the version of every definition written before versions existed.
  core::Result<ObjectVersion> Version(pugi::xml_node object, const char* element) {
    const std::string text = TextOf(object.child(element));
    if (text.empty()) return ObjectVersion{};
    auto v = ParseObjectVersion(text);
    if (!v)
      return Fail(fmt::format("/{}", element), fmt::format("\"{}\" is not major.minor", text));
    return *v;
  }

  core::Result<bool> Multiplicity(pugi::xml_node parent, std::string_view element) {
    auto node = parent.child("MultipleInstances");
    if (!node) return Fail(element, "missing");
    const std::string text = TextOf(node);
    if (EqualsIgnoreCase(text, "Multiple")) return true;
    if (EqualsIgnoreCase(text, "Single")) return false;
    return Fail(element, fmt::format("\"{}\" is neither Single nor Multiple", text));
  }

  // Absent or empty: optional.
  core::Result<bool> Mandatory(pugi::xml_node parent, std::string_view element) {
    const std::string text = TextOf(parent.child("Mandatory"));
    if (text.empty() || EqualsIgnoreCase(text, "Optional")) return false;
    if (EqualsIgnoreCase(text, "Mandatory")) return true;
    return Fail(element, fmt::format("\"{}\" is neither Mandatory nor Optional", text));
  }

  tl::unexpected<core::Error> Fail(std::string_view element, std::string_view what) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("{}: {}{}: {}", source_, where_, element, what));
  }
  tl::unexpected<core::Error> Fail(std::string_view what) { return Fail("", what); }

  std::string source_;
  std::string where_;
};

}  // namespace

core::Result<std::vector<ObjectDefinition>> ParseDdf(std::string_view xml,
                                                     std::string_view source) {
  if (xml.size() > kMaxDdfBytes) {
    return core::MakeError(core::ErrorCode::kPayloadTooLarge,
                           fmt::format("{}: larger than {} bytes", source, kMaxDdfBytes));
  }
  pugi::xml_document doc;
  // parse_default reads no DOCTYPE, so no entity is ever expanded from outside the text.
  const auto parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("{}: not well-formed XML at byte {}: {}", source,
                                       parsed.offset, parsed.description()),
                           static_cast<std::size_t>(parsed.offset));
  }
  auto root = doc.document_element();
  if (std::string_view(root.name()) != "LWM2M") {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("{}: the root element is <{}>, not <LWM2M>: not an "
                                       "object definition file",
                                       source, root.name()));
  }
  std::vector<ObjectDefinition> definitions;
  ObjectParser parser{std::string(source)};
  for (auto object : root.children("Object")) {
    auto def = parser.Parse(object);
    if (!def) return tl::unexpected(def.error());
    definitions.push_back(std::move(*def));
  }
  if (definitions.empty()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           fmt::format("{}: /LWM2M: no <Object> element", source));
  }
  return definitions;
}

}  // namespace custos::lwm2m
