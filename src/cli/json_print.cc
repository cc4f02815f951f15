#include "cli/json_print.h"

#include <boost/json/serialize.hpp>

namespace custos::cli {
namespace {

namespace json = boost::json;

void Pretty(const json::value& value, std::size_t indent, std::string& out) {
  const auto newline = [&out](std::size_t spaces) {
    out += '\n';
    out.append(spaces, ' ');
  };
  switch (value.kind()) {
    case json::kind::object: {
      const json::object& object = value.get_object();
      if (object.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& member : object) {
        if (!first) out += ',';
        first = false;
        newline(indent + 2);
        out += json::serialize(json::string_view(member.key()));
        out += ": ";
        Pretty(member.value(), indent + 2, out);
      }
      newline(indent);
      out += '}';
      return;
    }
    case json::kind::array: {
      const json::array& array = value.get_array();
      if (array.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& element : array) {
        if (!first) out += ',';
        first = false;
        newline(indent + 2);
        Pretty(element, indent + 2, out);
      }
      newline(indent);
      out += ']';
      return;
    }
    default:
      out += json::serialize(value);
      return;
  }
}

}  // namespace

std::string PrettyJson(const json::value& value, std::size_t indent) {
  std::string out;
  Pretty(value, indent, out);
  return out;
}

void PrintJson(const json::value& value, std::ostream& out) { out << PrettyJson(value) << '\n'; }

}  // namespace custos::cli
