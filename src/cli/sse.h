// A server-sent events parser (the WHATWG event-stream format) fed in pieces of any size.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace custos::cli {

struct SseEvent {
  std::string id;     // the last id seen on the stream, as the format says
  std::string event;  // "message" when the server named none
  std::string data;   // data lines joined by '\n'
};

class SseParser {
 public:
  using EmitFn = std::function<void(const SseEvent&)>;

  // Parses `piece`, calling `emit` for each event it completes. Comment lines (": keep-alive")
  // and unknown fields are skipped; lines end in "\n", "\r\n" or "\r".
  void Feed(std::string_view piece, const EmitFn& emit);

  // The id of the last event seen, for Last-Event-ID on reconnection.
  const std::string& LastEventId() const { return last_id_; }

 private:
  void Line(std::string_view line, const EmitFn& emit);

  std::string line_;
  bool after_cr_ = false;
  std::string last_id_;
  std::string event_;
  std::string data_;
  bool has_data_ = false;
};

}  // namespace custos::cli
