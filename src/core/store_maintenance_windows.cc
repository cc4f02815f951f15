// Maintenance windows and bulk creation are optional for a store: these answer for one that
// does not keep them.
#include "core/store.h"

namespace custos::core {
namespace {

tl::unexpected<Error> NoWindows() {
  return MakeError(ErrorCode::kUnavailable, "maintenance windows are not supported by this store");
}

}  // namespace

Result<MaintenanceWindow> Store::CreateMaintenanceWindow(MaintenanceWindow, AuditEntry) {
  return NoWindows();
}
Result<MaintenanceWindow> Store::GetMaintenanceWindow(MaintenanceWindowId) { return NoWindows(); }
Result<std::vector<MaintenanceWindow>> Store::ListMaintenanceWindows() { return NoWindows(); }
Result<MaintenanceWindow> Store::UpdateMaintenanceWindow(MaintenanceWindow, AuditEntry) {
  return NoWindows();
}
Result<void> Store::DeleteMaintenanceWindow(MaintenanceWindowId, AuditEntry) {
  return NoWindows();
}
Result<void> Store::AttachMaintenanceWindow(GroupId, MaintenanceWindowId, AuditEntry) {
  return NoWindows();
}
Result<void> Store::DetachMaintenanceWindow(GroupId, MaintenanceWindowId, AuditEntry) {
  return NoWindows();
}
Result<std::vector<WindowAttachment>> Store::ListWindowAttachments() { return NoWindows(); }

// Without a batch, one transaction per operation.
Result<std::vector<Operation>> Store::CreateOperations(std::vector<Operation> operations,
                                                       AuditEntry audit) {
  std::vector<Operation> created;
  created.reserve(operations.size());
  for (Operation& op : operations) {
    auto one = CreateOperation(std::move(op), audit);
    if (one) {
      created.push_back(std::move(*one));
    } else if (one.error().code != ErrorCode::kNotFound) {
      return tl::unexpected(one.error());
    }
  }
  return created;
}

}  // namespace custos::core
