#include "core/group.h"

namespace custos::core {

const char* ToString(GroupKind k) { return k == GroupKind::kDynamic ? "dynamic" : "static"; }

}  // namespace custos::core
