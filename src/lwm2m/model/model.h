// Front door of the LwM2M object model (custos_lwm2m_model): object and resource
// definitions, the built-in core objects, the loader of OMA object definition files (DDF),
// the registry that looks definitions up by object id and version and gives the content
// formats their TypeResolver, and the typed JSON form of values for the REST API. Pure: no
// I/O but reading definition files. Code outside src/lwm2m/model/ includes only this header.
#pragma once

#include "lwm2m/lwm2m.h"
#include "lwm2m/model/builtin_objects.h"
#include "lwm2m/model/ddf_loader.h"
#include "lwm2m/model/object_definition.h"
#include "lwm2m/model/object_registry.h"
#include "lwm2m/model/typed_json.h"
