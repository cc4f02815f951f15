// Reading definition files and directories; the parsing is ddf_loader.cc's.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

#include "lwm2m/model/ddf_loader.h"

namespace custos::lwm2m {

core::Result<std::vector<ObjectDefinition>> LoadDdfFile(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           fmt::format("{}: cannot read: {}", file.string(), ec.message()));
  }
  if (size > kMaxDdfBytes) {
    return core::MakeError(
        core::ErrorCode::kPayloadTooLarge,
        fmt::format("{}: {} bytes, more than the {} allowed", file.string(), size, kMaxDdfBytes));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           fmt::format("{}: cannot open", file.string()));
  }
  std::string text(std::istreambuf_iterator<char>(in), {});
  return ParseDdf(text, file.string());
}

core::Result<DdfLoadReport> LoadDdfDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) {
    return core::MakeError(
        core::ErrorCode::kNotFound,
        fmt::format("{}: cannot list the directory: {}", dir.string(), ec.message()));
  }
  std::vector<std::filesystem::path> files;
  DdfLoadReport report;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const auto& path = it->path();
    if (path.extension() == ".xml" && it->is_regular_file(ec)) {
      files.push_back(path);
    } else {
      report.ignored.push_back(path.string());
    }
  }
  if (ec) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           fmt::format("{}: listing stopped: {}", dir.string(), ec.message()));
  }
  // Directory order is arbitrary; file name order makes "which file won" reproducible.
  std::sort(files.begin(), files.end());
  std::sort(report.ignored.begin(), report.ignored.end());
  for (const auto& file : files) {
    auto defs = LoadDdfFile(file);
    if (!defs) {
      report.problems.push_back({file.string(), defs.error().message});
      continue;
    }
    ++report.files_loaded;
    std::move(defs->begin(), defs->end(), std::back_inserter(report.definitions));
  }
  return report;
}

}  // namespace custos::lwm2m
