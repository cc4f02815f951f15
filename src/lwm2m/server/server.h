// Front door of lwm2m/server (library custos_lwm2m_server): the LwM2M server on top of the
// CoAP transport. The registration interface (Register, Update, De-register, lifetime
// expiry) with its table and the parsing of its messages, and device management: the
// DeviceManager that sends DM requests to registered devices, keeps their observations,
// takes their Sends and fills the device model. Other modules include this header and
// nothing else under src/lwm2m/server/.
#pragma once

#include "lwm2m/server/device_manager.h"
#include "lwm2m/server/device_model.h"
#include "lwm2m/server/dm_types.h"
#include "lwm2m/server/registration.h"
#include "lwm2m/server/registration_service.h"
#include "lwm2m/server/registration_table.h"
