// A transport that answers from a handler and records every request; and a way to run a
// command line against it with a given environment and standard input.
#pragma once

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/http.h"
#include "cli/run.h"

namespace custos::cli::testing {

class FakeTransport final : public HttpTransport {
 public:
  using Handler = std::function<Outcome<HttpResponse>(const HttpRequest&)>;

  explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}

  Outcome<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    return handler_(request);
  }

  Outcome<HttpResponse> Upload(const HttpRequest& request, std::istream& body,
                               const SentFn& on_sent) override {
    HttpRequest whole = request;
    char piece[1000];
    while (body.read(piece, sizeof piece) || body.gcount() > 0) {
      whole.body.append(piece, static_cast<std::size_t>(body.gcount()));
      if (on_sent) on_sent(std::string_view(piece, static_cast<std::size_t>(body.gcount())));
    }
    requests.push_back(whole);
    return handler_(whole);
  }

  Outcome<HttpResponse> Stream(const HttpRequest& request, const ReceivedFn& on_received) override {
    requests.push_back(request);
    auto response = handler_(request);
    if (!response || response->status < 200 || response->status >= 300) return response;
    if (on_received(std::string_view())) on_received(response->body);
    response->body.clear();
    return response;
  }

  std::vector<HttpRequest> requests;

 private:
  Handler handler_;
};

inline HttpResponse Json(int status, std::string body) {
  return HttpResponse{status, {{"Content-Type", "application/json"}}, std::move(body)};
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

struct RunOptions {
  std::map<std::string, std::string> env;
  std::string stdin_text;
  bool terminal = false;  // pretend stdin and stdout are a terminal
  std::size_t width = 0;
};

// Runs `custos <args>` against `transport`, with only `options.env` as the environment.
inline RunResult RunCli(const std::vector<std::string>& args, FakeTransport& transport,
                        const RunOptions& options = {}) {
  std::vector<const char*> argv{"custos"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out;
  std::ostringstream err;
  std::istringstream in(options.stdin_text);
  Io io{out, err, in};
  io.out_terminal = options.terminal;
  io.in_terminal = options.terminal;
  io.width = options.width;
  auto env = [&options](std::string_view name) -> std::optional<std::string> {
    auto it = options.env.find(std::string(name));
    if (it == options.env.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  auto factory = [&transport](const Endpoint&, const Settings&) {
    // The run owns its transport; hand it one that forwards to the test's.
    struct Forward final : HttpTransport {
      explicit Forward(FakeTransport& t) : t(t) {}
      Outcome<HttpResponse> Send(const HttpRequest& r) override { return t.Send(r); }
      Outcome<HttpResponse> Upload(const HttpRequest& r, std::istream& b,
                                   const SentFn& f) override {
        return t.Upload(r, b, f);
      }
      Outcome<HttpResponse> Stream(const HttpRequest& r, const ReceivedFn& f) override {
        return t.Stream(r, f);
      }
      FakeTransport& t;
    };
    return std::unique_ptr<HttpTransport>(new Forward(transport));
  };
  RunResult result;
  result.exit_code = RunWith(static_cast<int>(argv.size()), argv.data(), io, env, factory);
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace custos::cli::testing
