#include "cli/failure.h"

namespace custos::cli {

int Report(const Failure& failure, std::ostream& err) {
  err << "error: ";
  if (!failure.code.empty()) err << failure.code << ": ";
  err << failure.message << '\n';
  return failure.exit_code;
}

}  // namespace custos::cli
