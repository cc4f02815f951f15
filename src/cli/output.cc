#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <optional>

#include "cli/command.h"
#include "cli/json_print.h"

namespace custos::cli {
namespace json = boost::json;

void PrintObject(Context& c, const json::value& value) {
  if (c.Json() || !value.is_object()) {
    PrintJson(value, c.io.out);
    return;
  }
  RenderRecord(ObjectRecord(value.get_object()), c.io.out);
}

void PrintObjectRow(Context& c, const json::value& value, const Row& header,
                    Row (*row)(const json::object&)) {
  if (c.Json() || !value.is_object()) {
    PrintJson(value, c.io.out);
    return;
  }
  RenderTable(header, {row(value.get_object())}, c.Style(), c.io.out);
}

Outcome<void> PrintList(Context& c, const json::value& answer, std::string_view key,
                        const Row& header, Row (*row)(const json::object&)) {
  const json::value* items = answer.is_object() ? answer.get_object().if_contains(key) : nullptr;
  if (items == nullptr || !items->is_array()) {
    return ServerError("bad_answer", fmt::format("the answer has no \"{}\" list", key));
  }
  if (c.Json()) {
    PrintJson(answer, c.io.out);
    return {};
  }
  std::vector<Row> rows;
  for (const json::value& item : items->get_array()) {
    if (item.is_object()) rows.push_back(row(item.get_object()));
  }
  RenderTable(header, std::move(rows), c.Style(), c.io.out);
  return {};
}

Outcome<void> PrintPages(Context& c, std::string_view path, Query query, bool all,
                         std::string_view key, const Row& header, Row (*row)(const json::object&)) {
  std::ostream& out = c.io.out;
  const bool merged = c.Json() && all;
  TableWriter table(header, c.Style(), out);
  std::optional<json::value> total;
  std::string next_cursor;
  bool first_item = true;
  bool opened = false;

  auto walked = c.api.ForEachPage(
      path, std::move(query), all, [&](const json::object& page) -> Outcome<void> {
        const json::value* items = page.if_contains(key);
        if (items == nullptr || !items->is_array()) {
          return ServerError("bad_answer", fmt::format("a page without a \"{}\" list", key));
        }
        if (const json::value* t = page.if_contains("total")) total = *t;
        const json::value* next = page.if_contains("next_cursor");
        next_cursor = next != nullptr && next->is_string() ? std::string(next->get_string()) : "";
        if (c.Json() && !all) {
          PrintJson(page, out);
          return {};
        }
        if (merged && !opened) {
          out << "{\n  " << json::serialize(json::string_view(key)) << ": [";
          opened = true;
        }
        for (const json::value& item : items->get_array()) {
          if (merged) {
            out << (first_item ? "\n    " : ",\n    ") << PrettyJson(item, 4);
            first_item = false;
          } else if (item.is_object()) {
            table.Add(row(item.get_object()));
          }
        }
        if (!c.Json()) table.Flush();
        out.flush();
        return {};
      });
  if (!walked) {
    if (opened) out << '\n';  // leave the terminal tidy; the exit code says it is incomplete
    return walked;
  }
  if (merged) {
    out << (first_item ? "]" : "\n  ]") << ",\n  \"next_cursor\": null";
    if (total) out << ",\n  \"total\": " << json::serialize(*total);
    out << "\n}\n";
  } else if (!c.Json()) {
    if (total) out << "total: " << json::serialize(*total) << '\n';
    if (!all && !next_cursor.empty()) {
      c.io.err << "more: add --all, or --cursor " << next_cursor << " for the next page\n";
    }
  }
  return {};
}

void PrintDone(Context& c, std::string_view message) {
  if (!c.Json()) c.io.out << message << '\n';
}

Outcome<bool> Confirm(Context& c, std::string_view question, std::string_view yes_flag) {
  if (!c.io.in_terminal) {
    return UsageError(
        fmt::format("{}: no terminal to ask on; pass {} to confirm", question, yes_flag));
  }
  c.io.err << question << " [y/N] ";
  c.io.err.flush();
  std::string answer;
  if (!std::getline(c.io.in, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes" || answer == "YES" || answer == "Yes";
}

std::string IdPath(std::string_view collection, std::int64_t id) {
  return fmt::format("/{}/{}", collection, id);
}

}  // namespace custos::cli
