// The loader of OMA object definition files ("DDF", the XML of the OMA LwM2M registry:
// <LWM2M><Object ObjectType="MODefinition">...<Resources><Item ID="0">...</Item></Resources>
// </Object></LWM2M>). Lenient about what the registry's own files vary in (byte order marks,
// UTF-16, whitespace around values, empty <Type> for executables, missing optional elements,
// upper or lower case keywords), strict about what decides how a value is read (ids, types,
// single or multiple, operations). No DTD or external entity is ever read.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "lwm2m/model/object_definition.h"

namespace custos::lwm2m {

// Files larger than this are refused unread (the largest registry file is about 100 KiB).
inline constexpr std::size_t kMaxDdfBytes = 16 * 1024 * 1024;

// The definitions in one DDF document, `source` naming it in errors ("3303.xml"). One bad
// <Object> refuses the whole document: kInvalidArgument "3303.xml: /LWM2M/Object/Resources/
// Item[@ID="5700"]/Type: unknown data type "Foo"" (with `position` for XML syntax errors).
core::Result<std::vector<ObjectDefinition>> ParseDdf(std::string_view xml, std::string_view source);

// ParseDdf of a file's contents, the file named by its path in errors; kNotFound if it cannot
// be opened, kPayloadTooLarge over kMaxDdfBytes.
core::Result<std::vector<ObjectDefinition>> LoadDdfFile(const std::filesystem::path& file);

struct DdfProblem {
  std::string file;     // the file's path
  std::string message;  // the reason, naming the element (the error's message)
};

struct DdfLoadReport {
  std::vector<ObjectDefinition> definitions;  // of every good file, in file name order
  std::size_t files_loaded = 0;
  std::vector<DdfProblem> problems;  // one per bad file, which is skipped
  std::vector<std::string> ignored;  // entries that are not *.xml regular files
};

// Loads every "*.xml" regular file directly in `dir` (not its subdirectories). A bad file is
// reported and skipped, never fatal; an error only when `dir` itself cannot be listed.
core::Result<DdfLoadReport> LoadDdfDirectory(const std::filesystem::path& dir);

}  // namespace custos::lwm2m
