// JSON parsing on Boost.JSON's SAX parser, building Boost.JSON values — because Boost 1.81
// rounds some long decimals to a neighbouring double (its exact mode came in 1.83), numbers
// with a fraction or an exponent are re-read from their text with std::from_chars, which
// rounds correctly; and because a SenML record with a repeated label is ambiguous, objects
// refuse repeated keys.
#include "lwm2m/format/detail/json.h"

#include <fmt/format.h>

#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <cmath>
#include <vector>

namespace custos::lwm2m::format::detail {
namespace {

namespace json = boost::json;
using boost::system::error_code;

class Builder {
 public:
  static constexpr std::size_t max_object_size = 1 << 16;
  static constexpr std::size_t max_array_size = 1 << 20;
  static constexpr std::size_t max_key_size = 1 << 16;
  static constexpr std::size_t max_string_size = 1 << 24;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) {
    stack_.push_back(Frame{json::array{}, {}});
    return true;
  }
  bool on_array_end(std::size_t, error_code& ec) { return Close(ec); }
  bool on_object_begin(error_code&) {
    stack_.push_back(Frame{json::object{}, {}});
    return true;
  }
  bool on_object_end(std::size_t, error_code& ec) { return Close(ec); }
  bool on_string_part(json::string_view s, std::size_t, error_code&) {
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, error_code& ec) {
    text_.append(s.data(), s.size());
    bool ok = Add(json::string(text_), ec);
    text_.clear();
    return ok;
  }
  bool on_key_part(json::string_view s, std::size_t, error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, error_code&) {
    key_.append(s.data(), s.size());
    stack_.back().key = std::move(key_);
    key_.clear();
    return true;
  }
  bool on_number_part(json::string_view s, error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, error_code& ec) {
    number_.clear();
    return Add(i, ec);
  }
  bool on_uint64(std::uint64_t u, json::string_view, error_code& ec) {
    number_.clear();
    return Add(u, ec);
  }
  bool on_double(double, json::string_view s, error_code& ec) {
    number_.append(s.data(), s.size());
    double d = 0;
    auto [end, err] = std::from_chars(number_.data(), number_.data() + number_.size(), d);
    bool exact = err == std::errc() && end == number_.data() + number_.size() && std::isfinite(d);
    number_.clear();
    if (!exact) return Fail(ec, "a number out of the range of a double");
    return Add(d, ec);
  }
  bool on_bool(bool b, error_code& ec) { return Add(b, ec); }
  bool on_null(error_code& ec) { return Add(nullptr, ec); }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

  json::value Take() { return std::move(result_); }
  const std::string& failure() const { return failure_; }

 private:
  struct Frame {
    json::value container;
    std::string key;
  };

  bool Fail(error_code& ec, std::string why) {
    failure_ = std::move(why);
    ec = std::make_error_code(std::errc::invalid_argument);
    return false;
  }

  bool Add(json::value value, error_code& ec) {
    if (stack_.empty()) {
      result_ = std::move(value);
      return true;
    }
    Frame& frame = stack_.back();
    if (auto* array = frame.container.if_array()) {
      array->push_back(std::move(value));
      return true;
    }
    auto& object = frame.container.as_object();
    if (object.contains(frame.key)) return Fail(ec, fmt::format("repeated key \"{}\"", frame.key));
    object.emplace(frame.key, std::move(value));
    return true;
  }

  bool Close(error_code& ec) {
    json::value done = std::move(stack_.back().container);
    stack_.pop_back();
    return Add(std::move(done), ec);
  }

  std::vector<Frame> stack_;
  std::string text_, key_, number_, failure_;
  json::value result_;
};

}  // namespace

core::Result<json::value> ParseJson(Payload payload, std::string_view format) {
  json::parse_options options;
  options.max_depth = 8;  // the formats nest three deep; anything deeper is not ours
  json::basic_parser<Builder> parser(options);
  error_code ec;
  const char* text = reinterpret_cast<const char*>(payload.data());
  std::size_t consumed = parser.write_some(false, text, payload.size(), ec);
  if (!ec && consumed != payload.size()) ec = json::make_error_code(json::error::extra_data);
  if (ec) {
    std::string why =
        parser.handler().failure().empty() ? ec.message() : parser.handler().failure();
    return Invalid(fmt::format("{}: invalid JSON at byte {}: {}", format, consumed, why), consumed);
  }
  return parser.handler().Take();
}

std::optional<Number> JsonNumber(const json::value& value) {
  if (value.is_int64()) return Number{value.get_int64()};
  if (value.is_uint64()) return Number{value.get_uint64()};
  if (value.is_double()) return Number{value.get_double()};
  return std::nullopt;
}

}  // namespace custos::lwm2m::format::detail
