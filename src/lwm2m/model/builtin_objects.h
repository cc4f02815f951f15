// The core objects built into the server, written from the specification (TS Core and
// Transport 1.0, 1.1, 1.2 and the OMA registry's definitions of objects 0-7 and 9), one
// definition per version that exists.
#pragma once

#include <vector>

#include "lwm2m/model/object_definition.h"

namespace custos::lwm2m {

// Objects 0 Security (1.0, 1.1, 1.2), 1 Server (1.0, 1.1, 1.2), 2 Access Control (1.0, 1.1),
// 3 Device (1.0, 1.1, 1.2), 4 Connectivity Monitoring (1.0-1.3), 5 Firmware Update (1.0, 1.1,
// 1.2), 6 Location 1.0, 7 Connectivity Statistics 1.0 and 9 Software Management 1.0, ordered
// by id then version.
const std::vector<ObjectDefinition>& BuiltinObjects();

}  // namespace custos::lwm2m
