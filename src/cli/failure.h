// How a command fails, and so which exit code it ends with. The CLI keeps the server's error
// code as the server spelled it (it may name codes the core has no enum value for, such as
// "method_not_allowed"), which is why this is not core::Error.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <tl/expected.hpp>

namespace custos::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitServerError = 1,  // the server answered with an error
  kExitUsage = 2,        // the command line (or the config file) is wrong
  kExitUnreachable = 3,  // no answer from the server: refused, reset, timed out
};

struct Failure {
  ExitCode exit_code = kExitServerError;
  std::string code;  // the server's error code ("not_found"); empty for usage errors
  std::string message;
  std::optional<std::size_t> position;  // the server's `position`, for filter errors
};

template <class T>
using Outcome = tl::expected<T, Failure>;

inline tl::unexpected<Failure> UsageError(std::string message) {
  return tl::unexpected<Failure>(Failure{kExitUsage, "", std::move(message), std::nullopt});
}
inline tl::unexpected<Failure> ServerError(std::string code, std::string message) {
  return tl::unexpected<Failure>(
      Failure{kExitServerError, std::move(code), std::move(message), std::nullopt});
}
inline tl::unexpected<Failure> Unreachable(std::string message) {
  return tl::unexpected<Failure>(Failure{kExitUnreachable, "", std::move(message), std::nullopt});
}

// Prints the failure on `err` as the one line users and scripts see ("error: <code>:
// <message>" for server errors) and returns its exit code.
int Report(const Failure& failure, std::ostream& err);

}  // namespace custos::cli
