// Front door of the lwm2m base library (custos_lwm2m): paths and typed values, shared by the
// object model (lwm2m/model/model.h) and the content formats (lwm2m/format/format.h).
#pragma once

#include "lwm2m/path.h"
#include "lwm2m/value.h"
