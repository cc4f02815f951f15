// An LwM2M path (TS Core §6.3): /Object, /Object/Instance, /Object/Instance/Resource or
// /Object/Instance/Resource/ResourceInstance, each level an integer 0..65535 (65535 is
// reserved by the specification, so it is refused). "/" is the root.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace custos::lwm2m {

struct Path {
  std::optional<std::uint16_t> object;
  std::optional<std::uint16_t> instance;
  std::optional<std::uint16_t> resource;
  std::optional<std::uint16_t> resource_instance;

  static Path Root() { return {}; }
  static Path Object(std::uint16_t o) { return {o, {}, {}, {}}; }
  static Path Instance(std::uint16_t o, std::uint16_t i) { return {o, i, {}, {}}; }
  static Path Resource(std::uint16_t o, std::uint16_t i, std::uint16_t r) { return {o, i, r, {}}; }
  static Path ResourceInstance(std::uint16_t o, std::uint16_t i, std::uint16_t r,
                               std::uint16_t ri) {
    return {o, i, r, ri};
  }

  // 0 for the root, 1 object, 2 instance, 3 resource, 4 resource instance.
  int depth() const;
  bool IsRoot() const { return !object; }
  bool IsObject() const { return depth() == 1; }
  bool IsInstance() const { return depth() == 2; }
  bool IsResource() const { return depth() == 3; }
  bool IsResourceInstance() const { return depth() == 4; }
  // Whether `other` is this path or below it.
  bool Contains(const Path& other) const;
  // This path without its last level (the root stays the root).
  Path Parent() const;

  auto operator<=>(const Path&) const = default;
  bool operator==(const Path&) const = default;
};

// "/3/0/1" (a trailing slash is accepted, "/" and "" are the root). kInvalidArgument with
// the offending position for anything else: empty levels, non-digits, leading zeros,
// values over 65534, more than four levels.
core::Result<Path> ParsePath(std::string_view text);
// "/3/0/1"; "/" for the root.
std::string ToString(const Path& path);

}  // namespace custos::lwm2m
