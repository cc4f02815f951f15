// How the API's objects look in table output: the columns of each list, and the fields of a
// single object as a record.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cli/table.h"

namespace custos::cli {

using Record = std::vector<std::pair<std::string, std::string>>;

// A JSON value as a table cell: "-" for null, absent or empty; "yes"/"no" for booleans;
// strings as they are; anything else as compact JSON.
std::string Cell(const boost::json::value* value);
// The cell of `object[key]`.
std::string Cell(const boost::json::object& object, std::string_view key);
// A labels object as "k=v, k=v", "-" when empty.
std::string LabelsCell(const boost::json::value* labels);

// Every field of an object, nested objects flattened into their fields (connectivity,
// health), except labels ("k=v, ...") and free-form JSON (metadata, details, data), which
// stay one field each.
Record ObjectRecord(const boost::json::object& object);

// ID NAME STATE PROTOCOL MANUFACTURER MODEL FIRMWARE ONLINE LAST SEEN
Row DeviceHeader();
Row DeviceRow(const boost::json::object& device);

// ID NAME KIND FILTER DESCRIPTION
Row GroupHeader();
Row GroupRow(const boost::json::object& group);

// ID NAME ROLE PREFIX CREATED EXPIRES LAST USED REVOKED CREATED BY
Row TokenHeader();
Row TokenRow(const boost::json::object& token);

// ID KIND IDENTITY CREATED REVOKED
Row CredentialHeader();
Row CredentialRow(const boost::json::object& credential);

// ID AT ACTOR ACTION TARGET DETAILS
Row AuditHeader();
Row AuditRow(const boost::json::object& entry);

// One event stream line in fixed-width columns (time, type, device, data), so that lines
// written one at a time still line up; and its header.
std::string EventHeaderLine();
std::string EventLine(const boost::json::object& event);

}  // namespace custos::cli
