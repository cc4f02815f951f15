// Front door of lwm2m/format (library custos_lwm2m_format): the LwM2M content formats, pure.
// Decode and Encode turn payloads into lwm2m::Record lists and back in plain text, opaque,
// TLV, LwM2M JSON, SenML JSON, SenML CBOR and LwM2M CBOR; the link format has its own parser
// and serializer; ChooseFormat picks what to ask a device for. No I/O, no clock, no state.
// Other modules include this header and nothing else under src/lwm2m/format/.
#pragma once

#include "lwm2m/format/chooser.h"
#include "lwm2m/format/codec.h"
#include "lwm2m/format/content_format.h"
#include "lwm2m/format/link_format.h"
