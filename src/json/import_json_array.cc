// A JSON array of device objects, streamed: a small scanner walks the top level of the array
// and cuts out each element's text (tracking strings, escapes and nesting depth), which is
// then parsed on its own. Only the unfinished element is ever copied, so memory is bounded by
// one row however long the array is.
#include <string>

#include "json/import_internal.h"
#include "json/json_support.h"

namespace custos::json::detail {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

constexpr std::string_view kBom = "\xef\xbb\xbf";

class JsonArrayParser final : public ImportParser {
 public:
  core::Result<void> Feed(std::string_view chunk, std::vector<ImportRow>& out) override {
    if (failed_) return tl::unexpected(*failed_);
    std::size_t start = 0;  // where the current element's text begins inside `chunk`
    for (std::size_t i = 0; i < chunk.size(); ++i, ++offset_) {
      const char c = chunk[i];
      switch (state_) {
        case State::kBeforeArray:
          if (offset_ < kBom.size() && bom_seen_ == offset_ && c == kBom[offset_]) {
            ++bom_seen_;
          } else if (c == '[') {
            state_ = State::kFirstElement;
          } else if (!IsSpace(c)) {
            return Fail("expected a JSON array of device objects");
          }
          break;
        case State::kFirstElement:
        case State::kNextElement:
          if (IsSpace(c)) break;
          if (c == ']' && state_ == State::kFirstElement) {
            state_ = State::kDone;
            break;
          }
          if (c == ']' || c == ',') return Fail("expected an array element");
          BeginElement(c);
          start = i;
          break;
        case State::kInElement: {
          if (kind_ == Kind::kScalar && (IsSpace(c) || c == ',' || c == ']')) {
            EndElement(chunk.substr(start, i - start), out);
            state_ = State::kAfterElement;
            if (auto r = AfterElement(c); !r) return r;
            break;
          }
          if (buffer_.size() + (i + 1 - start) > kMaxRowBytes) {
            return Fail("row " + std::to_string(rows_ + 1) + " is larger than 1 MiB");
          }
          if (kind_ != Kind::kScalar && Step(c)) {
            EndElement(chunk.substr(start, i + 1 - start), out);
            state_ = State::kAfterElement;
          }
          break;
        }
        case State::kAfterElement:
          if (auto r = AfterElement(c); !r) return r;
          break;
        case State::kDone:
          if (!IsSpace(c)) return Fail("unexpected data after the end of the array");
          break;
      }
    }
    if (state_ == State::kInElement) {
      buffer_.append(chunk.substr(start));
      peak_ = std::max(peak_, buffer_.size());
    }
    return {};
  }

  core::Result<void> Finish(std::vector<ImportRow>& out) override {
    if (failed_) return tl::unexpected(*failed_);
    if (state_ == State::kBeforeArray) return Fail("expected a JSON array of device objects");
    if (state_ != State::kDone) return Fail("unexpected end of input: the array is not closed");
    return {};
  }

  std::size_t PeakBufferedBytes() const override { return peak_; }

 private:
  enum class State { kBeforeArray, kFirstElement, kNextElement, kInElement, kAfterElement, kDone };
  enum class Kind { kContainer, kString, kScalar };

  tl::unexpected<core::Error> Fail(std::string message) {
    failed_ =
        core::Error{core::ErrorCode::kInvalidArgument,
                    "JSON import: " + message + " at byte " + std::to_string(offset_), offset_};
    return tl::unexpected(*failed_);
  }

  void BeginElement(char c) {
    state_ = State::kInElement;
    depth_ = 0;
    escape_ = false;
    in_string_ = c == '"';
    kind_ = c == '{' || c == '[' ? Kind::kContainer : in_string_ ? Kind::kString : Kind::kScalar;
    if (kind_ == Kind::kContainer) depth_ = 1;
  }

  // Advances the element scanner past `c` (not the element's first byte); true when `c`
  // closes the element.
  bool Step(char c) {
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
        return kind_ == Kind::kString;
      }
      return false;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      return --depth_ == 0;
    }
    return false;
  }

  void EndElement(std::string_view tail, std::vector<ImportRow>& out) {
    std::string_view text = tail;
    if (!buffer_.empty()) {
      buffer_.append(tail);
      peak_ = std::max(peak_, buffer_.size());
      text = buffer_;
    }
    out.push_back(RowFromJsonText(++rows_, text));
    buffer_.clear();
  }

  core::Result<void> AfterElement(char c) {
    if (c == ',') {
      state_ = State::kNextElement;
    } else if (c == ']') {
      state_ = State::kDone;
    } else if (!IsSpace(c)) {
      return Fail("expected ',' or ']' after an array element");
    }
    return {};
  }

  State state_ = State::kBeforeArray;
  Kind kind_ = Kind::kScalar;
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  std::size_t bom_seen_ = 0;
  std::size_t offset_ = 0;  // of the byte being scanned, in the whole body
  std::size_t rows_ = 0;
  std::string buffer_;  // the unfinished element's text from earlier chunks
  std::size_t peak_ = 0;
  std::optional<core::Error> failed_;
};

}  // namespace

std::unique_ptr<ImportParser> MakeJsonArrayParser() { return std::make_unique<JsonArrayParser>(); }

}  // namespace custos::json::detail
