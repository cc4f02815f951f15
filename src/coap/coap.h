// Front door of the coap module: the CoAP message codec (RFC 7252, RFC 7959 block options,
// RFC 7641 Observe), the reliability state of the message layer (RFC 7252 §4), block-wise
// transfer (RFC 7959) with the bodies it reads and writes, and the client's observations
// (RFC 7641). Pure functions and state machines driven by the caller's clock; no sockets,
// threads or DTLS (the file bodies do file I/O, nothing else).
// Other modules include this header and nothing else under src/coap/.
#pragma once

#include "coap/block.h"
#include "coap/blockwise_assembler.h"
#include "coap/blockwise_block2.h"
#include "coap/blockwise_download.h"
#include "coap/blockwise_step.h"
#include "coap/blockwise_upload.h"
#include "coap/body_file.h"
#include "coap/body_memory.h"
#include "coap/body_sink.h"
#include "coap/body_source.h"
#include "coap/code.h"
#include "coap/codec.h"
#include "coap/content_format.h"
#include "coap/deduplicator.h"
#include "coap/id_source.h"
#include "coap/message.h"
#include "coap/observation_order.h"
#include "coap/observation_table.h"
#include "coap/option.h"
#include "coap/peer.h"
#include "coap/retransmission_queue.h"
#include "coap/transmission.h"
#include "coap/typed_options.h"
