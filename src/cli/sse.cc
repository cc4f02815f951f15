#include "cli/sse.h"

namespace custos::cli {

void SseParser::Feed(std::string_view piece, const EmitFn& emit) {
  for (char c : piece) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;  // the second half of "\r\n"
    }
    if (c == '\r' || c == '\n') {
      after_cr_ = c == '\r';
      Line(line_, emit);
      line_.clear();
    } else {
      line_ += c;
    }
  }
}

void SseParser::Line(std::string_view line, const EmitFn& emit) {
  if (line.empty()) {
    // A blank line dispatches the event being built, if it has data.
    if (has_data_) emit(SseEvent{last_id_, event_.empty() ? "message" : event_, data_});
    event_.clear();
    data_.clear();
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;
  const auto colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_ += value;
    has_data_ = true;
  } else if (field == "event") {
    event_ = value;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_ = value;
  }
}

}  // namespace custos::cli
