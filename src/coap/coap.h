// Front door of the coap module: the CoAP message codec (RFC 7252, RFC 7959 block options,
// RFC 7641 Observe). Pure functions over bytes; no sockets, threads or DTLS. Other modules
// include this header and nothing else under src/coap/.
#pragma once

#include "coap/block.h"
#include "coap/code.h"
#include "coap/codec.h"
#include "coap/content_format.h"
#include "coap/message.h"
#include "coap/option.h"
#include "coap/typed_options.h"
