// Keyset pagination for device listings: the sortable fields, their columns, and the opaque
// cursor that remembers where a page ended. Internal to the SQLite store.
//
// A page is ORDER BY <column> [DESC], id [DESC]; the next page starts strictly after the last
// row's (sort value, id), so rows inserted or deleted between pages never shift the others.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/device.h"
#include "core/error.h"
#include "store/sqlite/filter_sql.h"

namespace custos::store::sqlite {

struct SortField {
  std::string_view name;    // as in DeviceQuery::sort
  std::string_view column;  // SQL expression over `devices d`
};

// The sort field named `name`, or null if devices cannot be sorted by it.
const SortField* FindSortField(std::string_view name);

// The value of `field` for `device`, as stored in its column (version keys, state ordinals).
SqlParam SortValueOf(const SortField& field, const core::Device& device);

struct CursorPosition {
  SqlParam value;  // the last row's sort value
  core::DeviceId id = 0;
};

// base64url text naming the sort, the direction and the position, with a checksum.
std::string EncodeCursor(const SortField& field, bool descending, const CursorPosition& at);
// kInvalidArgument for text that is not a cursor, or a cursor made for another sort or
// direction.
core::Result<CursorPosition> DecodeCursor(std::string_view cursor, const SortField& field,
                                          bool descending);

// RFC 4648 base64url without padding.
std::string Base64UrlEncode(std::string_view bytes);
// Rejects any character outside the alphabet, padding, and impossible lengths.
core::Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace custos::store::sqlite
