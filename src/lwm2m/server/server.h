// Front door of lwm2m/server (library custos_lwm2m_server): the LwM2M server on top of the
// CoAP transport. Today the registration interface (Register, Update, De-register, lifetime
// expiry) with its table and the parsing of its messages; device management requests come
// next. Other modules include this header and nothing else under src/lwm2m/server/.
#pragma once

#include "lwm2m/server/registration.h"
#include "lwm2m/server/registration_service.h"
#include "lwm2m/server/registration_table.h"
