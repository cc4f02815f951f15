// Front door of the mqtt module: the MQTT 3.1.1 and 5.0 packet layer. Packet values, the
// codec that decodes and encodes them strictly, the stream framer of a connection, MQTT 5.0
// properties and reason codes, UTF-8 string rules, and topic names, filters and matching.
// Pure functions and values: no sockets, threads or clocks. Other modules include this header
// and nothing else under src/mqtt/.
#pragma once

#include "mqtt/codec.h"
#include "mqtt/fixed_header.h"
#include "mqtt/framer.h"
#include "mqtt/packet.h"
#include "mqtt/properties.h"
#include "mqtt/property.h"
#include "mqtt/protocol.h"
#include "mqtt/reason_code.h"
#include "mqtt/topic.h"
#include "mqtt/utf8.h"
#include "mqtt/variable_byte_integer.h"
