// Front door of the coap/dtls module (library custos_coap_dtls): DTLS 1.2 with pre-shared
// keys as a sans-I/O layer between a UDP socket and the CoAP codec, on GnuTLS. No sockets,
// threads or clock reads of its own: the caller passes in datagrams and TimePoints and
// sends what comes out. Other modules include this header and nothing else under
// src/coap/dtls/.
#pragma once

#include "coap/dtls/cipher_suite.h"
#include "coap/dtls/client.h"
#include "coap/dtls/output.h"
#include "coap/dtls/server.h"
#include "coap/dtls/session_options.h"
#include "coap/dtls/stats.h"
