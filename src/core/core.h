// Front door of the core module: the domain model, the filter language, the store interface,
// the event bus and the registry. Other modules include this header (or the headers it
// includes) and nothing under src/core/ that it does not name. The core includes no protocol,
// socket or SQL header.
#pragma once

#include "core/audit.h"
#include "core/clock.h"
#include "core/credential.h"
#include "core/device.h"
#include "core/device_state.h"
#include "core/error.h"
#include "core/event.h"
#include "core/filter.h"
#include "core/firmware.h"
#include "core/fleet_state.h"
#include "core/group.h"
#include "core/lwm2m_observation.h"
#include "core/lwm2m_registration.h"
#include "core/operation.h"
#include "core/operation_report.h"
#include "core/registry.h"
#include "core/store.h"
#include "core/token.h"
